using System.Globalization;
using System.Net;
using System.Text.Json;

namespace FlowLogForwarder.Events;

/// <summary>Thrown when an event is not JSON or has none of the shapes this function accepts.</summary>
public sealed class InvalidEventException(string message) : Exception(message);

/// <summary>
/// Decodes the events that can name a new flow log object: S3 notifications (direct, or wrapped by SNS or SQS,
/// SQS bodies possibly SNS envelopes), S3's test event, and EventBridge "Object Created"; and CloudWatch Logs
/// subscription deliveries, which carry the records themselves. Uses JsonDocument, so
/// no reflection is needed under Native AOT.
/// </summary>
public static class EventDecoder
{
    /// <summary>Decodes an invocation payload.</summary>
    public static DecodedEvent Decode(ReadOnlyMemory<byte> payload)
    {
        using var document = Parse(payload, "the event");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidEventException("the event is not a JSON object");
        }

        if (IsTestEvent(root))
        {
            return new DecodedEvent(EventSource.S3TestEvent, []);
        }
        if (root.TryGetProperty("awslogs", out var awslogs))
        {
            return new DecodedEvent(EventSource.CloudWatchLogs, [], CloudWatchLogsData.FromLambdaEvent(awslogs));
        }
        // A Lambda destination record (the failure queue's messages) carries the original event as requestPayload.
        if (root.TryGetProperty("requestContext", out _) && root.TryGetProperty("requestPayload", out var original))
        {
            return Decode(System.Text.Encoding.UTF8.GetBytes(original.GetRawText()));
        }
        // An SNS envelope, as SQS receives it from a topic without raw delivery.
        if (Str(root, "Type") == "Notification" && Str(root, "Message") is { } envelopeMessage)
        {
            return new DecodedEvent(EventSource.Sns, [new WorkItem(null, FromInnerMessage(envelopeMessage), null)]);
        }
        if (Str(root, "detail-type") is { } detailType)
        {
            return detailType == "Object Created" && root.TryGetProperty("detail", out var detail)
                ? new DecodedEvent(EventSource.EventBridge, [new WorkItem(null, [FromEventBridge(detail, root)], null)])
                : throw new InvalidEventException($"EventBridge event '{detailType}' is not an S3 Object Created event");
        }
        if (!root.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array || records.GetArrayLength() == 0)
        {
            throw new InvalidEventException("the event has no Records array and is not an EventBridge or S3 test event");
        }

        var first = records[0];
        var source = Str(first, "eventSource") ?? Str(first, "EventSource");
        switch (source)
        {
            case "aws:s3":
                return new DecodedEvent(EventSource.S3, [new WorkItem(null, FromS3Records(records), null)]);
            case "aws:sns":
                var objects = new List<ObjectReference>();
                foreach (var record in records.EnumerateArray())
                {
                    var message = record.TryGetProperty("Sns", out var sns) ? Str(sns, "Message") : null;
                    objects.AddRange(FromInnerMessage(message ?? throw new InvalidEventException("an SNS record has no Sns.Message")));
                }
                return new DecodedEvent(EventSource.Sns, [new WorkItem(null, objects, null)]);
            case "aws:sqs":
                return new DecodedEvent(EventSource.Sqs, [.. records.EnumerateArray().Select(FromSqsRecord)]);
            default:
                throw new InvalidEventException($"records from '{source ?? "(no eventSource)"}' are not S3, SNS or SQS records");
        }
    }

    private static WorkItem FromSqsRecord(JsonElement record)
    {
        var messageId = Str(record, "messageId") ?? "(no messageId)";
        try
        {
            var body = Str(record, "body") ?? throw new InvalidEventException("the SQS message has no body");
            return new WorkItem(messageId, FromInnerMessage(body), null);
        }
        catch (InvalidEventException ex)
        {
            return new WorkItem(messageId, [], ex.Message);
        }
    }

    // The text of an SNS message or SQS body: an S3 notification, S3's test event, or (SQS without raw delivery) an SNS envelope.
    private static List<ObjectReference> FromInnerMessage(string text)
    {
        using var document = Parse(System.Text.Encoding.UTF8.GetBytes(text), "the message body");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || IsTestEvent(root))
        {
            return root.ValueKind == JsonValueKind.Object ? [] : throw new InvalidEventException("the message body is not a JSON object");
        }
        if (Str(root, "Type") == "Notification" && Str(root, "Message") is { } inner)
        {
            return FromInnerMessage(inner);
        }
        if (Str(root, "detail-type") == "Object Created" && root.TryGetProperty("detail", out var detail))
        {
            return [FromEventBridge(detail, root)];
        }
        if (root.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array)
        {
            return FromS3Records(records);
        }
        throw new InvalidEventException("the message body is not an S3 event notification");
    }

    private static List<ObjectReference> FromS3Records(JsonElement records)
    {
        var objects = new List<ObjectReference>();
        foreach (var record in records.EnumerateArray())
        {
            if (Str(record, "eventSource") != "aws:s3")
            {
                throw new InvalidEventException("a record in an S3 notification is not from aws:s3");
            }
            if (Str(record, "eventName") is { } name && !name.StartsWith("ObjectCreated:", StringComparison.Ordinal))
            {
                continue; // deletions and other notifications name no new flow log
            }
            if (!record.TryGetProperty("s3", out var s3) || !s3.TryGetProperty("bucket", out var bucket) || !s3.TryGetProperty("object", out var obj))
            {
                throw new InvalidEventException("an S3 record has no s3.bucket or s3.object");
            }
            var key = Str(obj, "key") ?? throw new InvalidEventException("an S3 record has no object key");
            objects.Add(new ObjectReference(
                Str(bucket, "name") ?? throw new InvalidEventException("an S3 record has no bucket name"),
                WebUtility.UrlDecode(key), // S3 notifications URL-encode keys, '+' for space
                Long(obj, "size"), Str(obj, "eTag"), Str(obj, "versionId"), Time(record, "eventTime")));
        }
        return objects;
    }

    private static ObjectReference FromEventBridge(JsonElement detail, JsonElement root)
    {
        if (!detail.TryGetProperty("bucket", out var bucket) || !detail.TryGetProperty("object", out var obj))
        {
            throw new InvalidEventException("the EventBridge event has no detail.bucket or detail.object");
        }
        // EventBridge keys are not URL-encoded.
        return new ObjectReference(
            Str(bucket, "name") ?? throw new InvalidEventException("the EventBridge event has no bucket name"),
            Str(obj, "key") ?? throw new InvalidEventException("the EventBridge event has no object key"),
            Long(obj, "size"), Str(obj, "etag"), Str(obj, "version-id"), Time(root, "time"));
    }

    private static bool IsTestEvent(JsonElement root) => Str(root, "Event") == "s3:TestEvent";

    private static JsonDocument Parse(ReadOnlyMemory<byte> json, string what)
    {
        // JsonDocument checks structure, not the UTF-8 inside strings; reading such a string later would throw.
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            throw new InvalidEventException($"{what} is not valid UTF-8");
        }
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"{what} is not JSON: {ex.Message}");
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static long? Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        Str(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
}
