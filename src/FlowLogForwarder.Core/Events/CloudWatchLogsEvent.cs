using System.Buffers;
using System.IO.Compression;
using System.Text.Json;

namespace FlowLogForwarder.Events;

/// <summary>One log event of a CloudWatch Logs subscription delivery: its id, time (epoch milliseconds) and message.</summary>
public sealed record CloudWatchLogEvent(string Id, long Timestamp, string Message);

/// <summary>
/// A CloudWatch Logs subscription delivery, decoded (the <c>awslogs.data</c> payload): a <c>DATA_MESSAGE</c> carries log
/// events of one log group and stream; a <c>CONTROL_MESSAGE</c> (sent when the subscription is created) carries none.
/// </summary>
public sealed record CloudWatchLogsData(string MessageType, string? Owner, string? LogGroup, string? LogStream, IReadOnlyList<CloudWatchLogEvent> LogEvents)
{
    /// <summary>The message type of a delivery that carries log events.</summary>
    public const string DataMessage = "DATA_MESSAGE";

    /// <summary>The message type CloudWatch Logs sends to check that the destination is reachable.</summary>
    public const string ControlMessage = "CONTROL_MESSAGE";

    /// <summary>True for a <c>CONTROL_MESSAGE</c>: acknowledged, nothing to forward.</summary>
    public bool IsControl => MessageType == ControlMessage;

    /// <summary>Most bytes a delivery may decompress to. CloudWatch Logs sends at most 1 MB of events per call; the
    /// bound stops a crafted gzip member from filling the function's memory.</summary>
    public const int MaxPayloadBytes = 16 * 1024 * 1024;

    /// <summary>Decodes the Lambda event's <c>awslogs</c> object: base64, then gzip, then the JSON payload.</summary>
    public static CloudWatchLogsData FromLambdaEvent(JsonElement awslogs)
    {
        if (awslogs.ValueKind != JsonValueKind.Object || !awslogs.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String)
        {
            throw new InvalidEventException("the CloudWatch Logs event has no awslogs.data string");
        }
        byte[] compressed;
        try
        {
            compressed = data.GetBytesFromBase64();
        }
        catch (FormatException)
        {
            throw new InvalidEventException("the CloudWatch Logs event's awslogs.data is not base64");
        }
        return FromPayload(Gunzip(compressed));
    }

    /// <summary>Decodes a saved delivery: the Lambda event (<c>{"awslogs":{"data":...}}</c>) or its decoded payload
    /// (<c>{"messageType":...}</c>), as <c>aws logs</c> tooling and the function's own logs show them.</summary>
    public static CloudWatchLogsData FromSaved(ReadOnlySpan<byte> json)
    {
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..]; // a byte order mark, as some editors save JSON
        }
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw new InvalidEventException("the file is not valid UTF-8");
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("awslogs", out var awslogs) ? FromLambdaEvent(awslogs)
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("messageType", out _) ? FromPayload(root)
                : throw new InvalidEventException("a JSON file that is neither a CloudWatch Logs event ({\"awslogs\":...}) nor its payload ({\"messageType\":...})");
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"the file starts like JSON but is not: {ex.Message}");
        }
    }

    /// <summary>Decodes a delivery's JSON payload (<c>{"messageType":...}</c>).</summary>
    public static CloudWatchLogsData FromPayload(ReadOnlySpan<byte> json)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw new InvalidEventException("the CloudWatch Logs payload is not valid UTF-8");
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        JsonDocument document;
        try
        {
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"the CloudWatch Logs payload is not JSON: {ex.Message}");
        }
        using (document)
        {
            return FromPayload(document.RootElement);
        }
    }

    /// <summary>Decodes a delivery's payload, already parsed.</summary>
    public static CloudWatchLogsData FromPayload(JsonElement root)
    {
        var type = Str(root, "messageType");
        if (type is not (DataMessage or ControlMessage))
        {
            throw new InvalidEventException($"the CloudWatch Logs payload's messageType is '{type ?? "(none)"}', not {DataMessage} or {ControlMessage}");
        }
        var owner = Str(root, "owner");
        var group = Str(root, "logGroup");
        var stream = Str(root, "logStream");
        if (type == ControlMessage)
        {
            return new CloudWatchLogsData(type, owner, group, stream, []);
        }
        if (string.IsNullOrEmpty(group) || string.IsNullOrEmpty(stream))
        {
            throw new InvalidEventException("the CloudWatch Logs DATA_MESSAGE has no logGroup or logStream");
        }
        if (!root.TryGetProperty("logEvents", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidEventException("the CloudWatch Logs DATA_MESSAGE has no logEvents array");
        }
        var list = new List<CloudWatchLogEvent>(events.GetArrayLength());
        foreach (var item in events.EnumerateArray())
        {
            var message = Str(item, "message") ?? throw new InvalidEventException($"log event {list.Count + 1} has no message string");
            var time = item.TryGetProperty("timestamp", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var ms) ? ms : 0;
            list.Add(new CloudWatchLogEvent(Str(item, "id") ?? "", time, message));
        }
        return new CloudWatchLogsData(type, owner, group, stream, list);
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxPayloadBytes)
                {
                    throw new InvalidEventException($"the CloudWatch Logs payload decompresses to more than {MaxPayloadBytes} bytes");
                }
                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidEventException($"the CloudWatch Logs event's awslogs.data is not gzip: {ex.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return output.ToArray();
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
