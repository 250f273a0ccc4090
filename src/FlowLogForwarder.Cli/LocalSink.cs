using System.Net;
using System.Text.Json;

namespace FlowLogForwarder.Cli;

/// <summary>
/// A SigNoz-compatible logs receiver on loopback for trying the forwarder without a SigNoz account:
/// it decodes gzip and zstd bodies and checks each request as SigNoz would (a JSON array of objects), counting what arrives.
/// </summary>
internal sealed class LocalSink(int port, TextWriter output)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        await output.WriteLineAsync($"listening on http://127.0.0.1:{port}/logs/json (Ctrl+C to stop)").ConfigureAwait(false);
        long requests = 0, records = 0, bytes = 0;
        using var registration = cancellationToken.Register(listener.Stop);
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            using var body = new MemoryStream();
            var encoding = context.Request.Headers["Content-Encoding"];
            var (status, count, problem) = (200, 0, (string?)null);
            try
            {
                // Like SigNoz's receiver, it decodes gzip and zstd bodies; any other encoding is refused with 400.
                await using var decoded = Decode(context.Request.InputStream, encoding);
                await decoded.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
                (status, count, problem) = Check(body.GetBuffer().AsMemory(0, (int)body.Length));
            }
            catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or IOException or ZstdSharp.ZstdException)
            {
                (status, count, problem) = (400, 0, $"body not decodable as {encoding}: {ex.Message}");
            }
            requests++;
            if (status == 200)
            {
                records += count;
                bytes += body.Length;
            }
            context.Response.StatusCode = status;
            context.Response.Close();
            await output.WriteLineAsync(status == 200
                ? $"request {requests}: {count} records, {body.Length} bytes (total {records} records)"
                : $"request {requests}: rejected with {status}: {problem}").ConfigureAwait(false);
        }
        await output.WriteLineAsync($"received {records} records in {requests} requests, {bytes} bytes").ConfigureAwait(false);
        return 0;
    }

    private static Stream Decode(Stream body, string? encoding) => encoding?.ToLowerInvariant() switch
    {
        null or "" or "identity" => body,
        "gzip" => new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionMode.Decompress),
        "zstd" => new ZstdSharp.DecompressionStream(body),
        var other => throw new NotSupportedException($"unsupported Content-Encoding: {other}"),
    };

    private static (int Status, int Records, string? Problem) Check(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return (400, 0, "the body is not a JSON array");
            }
            var count = 0;
            foreach (var record in document.RootElement.EnumerateArray())
            {
                if (record.ValueKind != JsonValueKind.Object)
                {
                    return (400, 0, $"element {count} is not an object");
                }
                count++;
            }
            return (200, count, null);
        }
        catch (JsonException ex)
        {
            return (400, 0, "invalid JSON: " + ex.Message);
        }
    }
}
