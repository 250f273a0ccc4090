using System.Collections.Concurrent;
using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace FlowLogForwarder.TestSupport;

/// <summary>
/// A loopback OTLP/HTTP logs receiver: accepts protobuf <c>ExportLogsServiceRequest</c>s on <c>/v1/logs</c> (gzip or
/// plain), decodes them with types generated from opentelemetry-proto's own .proto files (Protos/), so the forwarder's
/// hand-written encoder is checked by code it shares nothing with, keeps every record with its resource, and injects
/// faults: statuses, and 200 answers with <c>partial_success</c>.
/// </summary>
public sealed class LoopbackOtlpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ServerFault> _faults = new();
    private readonly List<(Resource Resource, LogRecord Record)> _records = [];
    private readonly Lock _gate = new();
    private int _requests;

    private LoopbackOtlpServer(WebApplication app, string? expectedKey)
    {
        _app = app;
        ExpectedKey = expectedKey;
    }

    /// <summary>The ingestion key every request must carry, or null.</summary>
    public string? ExpectedKey { get; }

    /// <summary>The logs endpoint, <c>http://127.0.0.1:port/v1/logs</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Requests received, faults included.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests accepted.</summary>
    public int RequestsAccepted { get; private set; }

    /// <summary>Content-Encoding of each request received ("identity" when none).</summary>
    public ConcurrentQueue<string> Encodings { get; } = new();

    /// <summary>Answers 400 with the reason when it returns one for a record of a request (a record SigNoz would refuse).</summary>
    public Func<LogRecord, string?>? RefuseRecord { get; set; }

    /// <summary>Every record accepted, in arrival order, with the resource its request gave it.</summary>
    public IReadOnlyList<(Resource Resource, LogRecord Record)> Records { get { lock (_gate) { return [.. _records]; } } }

    /// <summary>Starts a server on an ephemeral loopback port.</summary>
    public static async Task<LoopbackOtlpServer> StartAsync(string? expectedKey = null)
    {
        var app = LoopbackHost.Create(maxRequestBodySize: 32 * 1024 * 1024);
        var server = new LoopbackOtlpServer(app, expectedKey);
        server.Endpoint = new Uri(await LoopbackHost.StartAsync(app, server.HandleAsync), "/v1/logs");
        return server;
    }

    /// <summary>Queues faults for the next requests, in order.</summary>
    public void Enqueue(params ServerFault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        Encodings.Enqueue(encoding.Length == 0 ? "identity" : encoding);

        ExportLogsPartialSuccess? partial = null;
        if (_faults.TryDequeue(out var fault))
        {
            switch (fault)
            {
                case ServerFault.Status status:
                    if (status.RetryAfter is not null)
                    {
                        context.Response.Headers.RetryAfter = status.RetryAfter;
                    }
                    context.Response.StatusCode = status.Code;
                    await context.Response.WriteAsync($"injected {status.Code}");
                    return;
                case ServerFault.PartialSuccess p:
                    partial = new ExportLogsPartialSuccess { RejectedLogRecords = p.Rejected, ErrorMessage = p.Message };
                    break;
                default:
                    throw new NotSupportedException($"{fault} is not an OTLP fault");
            }
        }

        if (context.Request.Method != HttpMethods.Post || context.Request.Path != "/v1/logs")
        {
            await RefuseAsync(context, 404, "OTLP logs are POSTed to /v1/logs");
            return;
        }
        if (ExpectedKey is not null && context.Request.Headers["signoz-ingestion-key"] != ExpectedKey)
        {
            await RefuseAsync(context, 401, "missing or wrong signoz-ingestion-key");
            return;
        }
        if (context.Request.ContentType != "application/x-protobuf")
        {
            await RefuseAsync(context, 415, $"unsupported content type {context.Request.ContentType}");
            return;
        }
        var body = buffer.ToArray();
        if (encoding == "gzip")
        {
            using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            body = plain.ToArray();
        }
        else if (encoding.Length > 0)
        {
            await RefuseAsync(context, 400, $"unsupported Content-Encoding: {encoding}");
            return;
        }

        ExportLogsServiceRequest request;
        try
        {
            request = ExportLogsServiceRequest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            await RefuseAsync(context, 400, $"not an ExportLogsServiceRequest: {ex.Message}");
            return;
        }
        var records = request.ResourceLogs.SelectMany(r => r.ScopeLogs.SelectMany(s => s.LogRecords.Select(l => (r.Resource, Record: l)))).ToList();
        if (records.Count == 0 || request.ResourceLogs.Any(r => r.Resource is null || r.Resource.Attributes.Count == 0))
        {
            await RefuseAsync(context, 400, "a request without records or without a resource");
            return;
        }
        if (RefuseRecord is { } refuse && records.Select(r => refuse(r.Record)).FirstOrDefault(reason => reason is not null) is { } refusal)
        {
            await RefuseAsync(context, 400, refusal);
            return;
        }
        lock (_gate)
        {
            RequestsAccepted++;
            // As a receiver would: records a partial success rejects are not stored (the last ones, for the test's sake).
            _records.AddRange(records.Take(records.Count - (int)Math.Min(records.Count, partial?.RejectedLogRecords ?? 0)));
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
        await context.Response.Body.WriteAsync(new ExportLogsServiceResponse { PartialSuccess = partial }.ToByteArray());
    }

    private static async Task RefuseAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(reason);
    }
}
