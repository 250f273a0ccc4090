using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowLogForwarder.TestSupport;

/// <summary>
/// A SigNoz HTTP logs endpoint on 127.0.0.1 for tests (Kestrel, a real socket). It enforces the contract
/// (POST, JSON array of log objects, ingestion key), answers queued faults first, and records what it accepted.
/// </summary>
public sealed class LoopbackSigNozServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ServerFault> _faults = new();
    private readonly Func<JsonElement, long>? _recordId;
    private readonly object _gate = new();
    private readonly List<long[]> _acceptedIds = [];
    private readonly List<byte[]> _acceptedBodies = [];
    private readonly bool _keepBodies;
    private int _requests;
    private Random? _random;
    private double _faultProbability;

    private LoopbackSigNozServer(WebApplication app, string? expectedKey, Func<JsonElement, long>? recordId, bool keepBodies)
    {
        _app = app;
        ExpectedKey = expectedKey;
        _recordId = recordId;
        _keepBodies = keepBodies;
    }

    /// <summary>The key requests must carry in <c>signoz-ingestion-key</c>; null accepts any request.</summary>
    public string? ExpectedKey { get; }

    /// <summary>The logs URL, <c>http://127.0.0.1:PORT/logs/json</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Requests received, faulted ones included.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Records in accepted requests.</summary>
    public long RecordsAccepted { get; private set; }

    /// <summary>Why the last refused request was refused.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>Headers of the last request.</summary>
    public IHeaderDictionary? LastHeaders { get; private set; }

    /// <summary>Record ids of each accepted request, in arrival order (when an id function was given).</summary>
    public IReadOnlyList<long[]> AcceptedIds { get { lock (_gate) { return [.. _acceptedIds]; } } }

    /// <summary>Bodies of accepted requests (when kept).</summary>
    public IReadOnlyList<byte[]> AcceptedBodies { get { lock (_gate) { return [.. _acceptedBodies]; } } }

    /// <summary>Starts a server on an ephemeral loopback port.</summary>
    public static async Task<LoopbackSigNozServer> StartAsync(string? expectedKey = null, Func<JsonElement, long>? recordId = null, bool keepBodies = true)
    {
        var app = LoopbackHost.Create(maxRequestBodySize: 32 * 1024 * 1024);
        var server = new LoopbackSigNozServer(app, expectedKey, recordId, keepBodies);
        server.Endpoint = new Uri(await LoopbackHost.StartAsync(app, server.HandleAsync), "/logs/json");
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

    /// <summary>Records in requests that were accepted and then dropped (the client will send them again).</summary>
    public long RecordsAcceptedThenDropped { get; private set; }

    /// <summary>From now on, answers each request (beyond queued faults) with a random fault at <paramref name="probability"/>:
    /// 429 with Retry-After 0, 503, a dropped connection, or accept-then-drop. Seeded, so runs repeat.</summary>
    public void InjectRandomFaults(double probability, int seed)
    {
        lock (_gate)
        {
            _random = new Random(seed);
            _faultProbability = probability;
        }
    }

    /// <summary>When set, a request carrying a record for which this returns a reason is refused whole with 400 and that
    /// reason, as SigNoz refuses a whole request for one invalid record.</summary>
    public Func<JsonElement, string?>? RefuseRecord { get; set; }

    /// <summary>When set, bodies larger than this are refused with <see cref="OversizeStatus"/>.</summary>
    public int? MaxBodyBytes { get; set; }

    /// <summary>The status for an over-size body: 400 as SigNoz's self-hosted receiver, or 413.</summary>
    public int OversizeStatus { get; set; } = 400;

    /// <summary>When set, chooses a fault (or null: normal handling) for each request not answered by a queued or random fault.</summary>
    public Func<int, ServerFault?>? FaultFor { get; set; }

    /// <summary>Content encodings the server decodes (as SigNoz's receiver does gzip and zstd); empty decodes none.</summary>
    public ISet<string> DecodedEncodings { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "gzip", "zstd" };

    /// <summary>The answer to an encoding it does not decode: 400 as confighttp, 415, or null to ignore the header and
    /// read the body as if it were plain (a server that does not know compression).</summary>
    public int? UnknownEncodingStatus { get; set; } = 400;

    /// <summary>Body bytes received as sent (compressed or not), over every request.</summary>
    public long WireBytesReceived { get; private set; }

    /// <summary>The distinct Content-Encoding values seen ("identity" for none).</summary>
    public ISet<string> Encodings { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Forgets queued faults.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        LastHeaders = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);

        var dropAfterAccepting = false;
        var acceptedStatus = 200;
        if (_faults.TryDequeue(out var fault) || TryRandomFault(out fault) || TryDynamicFault(out fault))
        {
            switch (fault)
            {
                case ServerFault.Accept accept:
                    acceptedStatus = accept.Code;
                    break;
                case ServerFault.Delayed delayed:
                    await Task.Delay(delayed.Delay, context.RequestAborted);
                    break;
                case ServerFault.Redirect redirect:
                    context.Response.StatusCode = redirect.Code;
                    context.Response.Headers.Location = redirect.Location.ToString();
                    return;
                case ServerFault.WithBody withBody:
                    context.Response.StatusCode = withBody.Code;
                    context.Response.ContentType = withBody.ContentType;
                    await context.Response.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(withBody.Body));
                    return;
                case ServerFault.HugeBody huge:
                    context.Response.StatusCode = huge.Code;
                    context.Response.ContentLength = huge.Bytes;
                    var chunk = new byte[64 * 1024];
                    chunk.AsSpan().Fill((byte)'x');
                    try
                    {
                        for (long sent = 0; sent < huge.Bytes; sent += chunk.Length)
                        {
                            await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, huge.Bytes - sent)), context.RequestAborted);
                        }
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or IOException)
                    {
                        // The client stopped reading, as it should.
                    }
                    return;
                case ServerFault.StalledBody stalled:
                    context.Response.StatusCode = stalled.Code;
                    context.Response.ContentLength = 1024;
                    await context.Response.Body.WriteAsync("stall"u8.ToArray());
                    await context.Response.Body.FlushAsync();
                    try
                    {
                        await Task.Delay(stalled.StallFor, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        // The client gave up, as it should.
                    }
                    context.Abort();
                    return;
                case ServerFault.AcceptThenDrop:
                    dropAfterAccepting = true;
                    break;
                case ServerFault.Drop:
                    context.Abort();
                    return;
                case ServerFault.Status status:
                    if (status.RetryAfter is not null)
                    {
                        context.Response.Headers.RetryAfter = status.RetryAfter;
                    }
                    context.Response.StatusCode = status.Code;
                    await context.Response.WriteAsync($"injected {status.Code}");
                    return;
            }
        }

        if (context.Request.Method != HttpMethods.Post)
        {
            await RefuseAsync(context, 405, "only POST is accepted");
            return;
        }
        if (ExpectedKey is not null && context.Request.Headers["signoz-ingestion-key"] != ExpectedKey)
        {
            await RefuseAsync(context, 401, "missing or wrong signoz-ingestion-key");
            return;
        }
        var body = buffer.ToArray();
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        lock (_gate)
        {
            WireBytesReceived += body.Length;
            Encodings.Add(encoding.Length == 0 ? "identity" : encoding);
        }
        if (encoding.Length > 0)
        {
            if (DecodedEncodings.Contains(encoding))
            {
                body = Decode(body, encoding);
            }
            else if (UnknownEncodingStatus is { } refusal)
            {
                // confighttp's server answers an encoding it does not know with 400.
                await RefuseAsync(context, refusal, $"unsupported Content-Encoding: {encoding}");
                return;
            }
        }
        if (MaxBodyBytes is { } limit && body.Length > limit)
        {
            // SigNoz's self-hosted receiver answers an over-size body with 400, not 413.
            await RefuseAsync(context, OversizeStatus, $"request body too large: {body.Length} > {limit} bytes");
            return;
        }
        var problem = Validate(body, out var ids);
        if (problem is not null)
        {
            await RefuseAsync(context, 400, problem);
            return;
        }
        lock (_gate)
        {
            RecordsAccepted += ids.Length;
            _acceptedIds.Add(ids);
            if (_keepBodies)
            {
                _acceptedBodies.Add(body);
            }
        }
        if (dropAfterAccepting)
        {
            lock (_gate)
            {
                RecordsAcceptedThenDropped += ids.Length;
            }
            context.Abort();
            return;
        }
        context.Response.StatusCode = acceptedStatus;
    }

    private bool TryRandomFault(out ServerFault fault)
    {
        lock (_gate)
        {
            if (_random is null || _random.NextDouble() >= _faultProbability)
            {
                fault = null!;
                return false;
            }
            fault = _random.Next(4) switch
            {
                0 => new ServerFault.Status(429, "0"),
                1 => new ServerFault.Status(503),
                2 => new ServerFault.Drop(),
                _ => new ServerFault.AcceptThenDrop(),
            };
            return true;
        }
    }

    private static byte[] Decode(byte[] body, string encoding)
    {
        using var output = new MemoryStream();
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress);
            gzip.CopyTo(output);
        }
        else
        {
            using var zstd = new ZstdSharp.DecompressionStream(new MemoryStream(body));
            zstd.CopyTo(output);
        }
        return output.ToArray();
    }

    private bool TryDynamicFault(out ServerFault fault)
    {
        fault = FaultFor?.Invoke(Requests)!;
        return fault is not null;
    }

    private async Task RefuseAsync(HttpContext context, int status, string reason)
    {
        LastRejection = reason;
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(reason);
    }

    // SigNoz's contract: a JSON array of objects; timestamp a number; body, when present, a string (the receiver's JSON
    // parser, receiver/httplogreceiver/bodyparser/json.go, stores an absent body as an empty one); attributes and
    // resources objects.
    private string? Validate(byte[] body, out long[] ids)
    {
        ids = [];
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return "body is not a JSON array";
            }
            ids = new long[root.GetArrayLength()];
            var i = 0;
            foreach (var record in root.EnumerateArray())
            {
                if (record.ValueKind != JsonValueKind.Object)
                {
                    return $"element {i} is not an object";
                }
                if (record.TryGetProperty("timestamp", out var ts) && ts.ValueKind != JsonValueKind.Number)
                {
                    return $"element {i}: timestamp is not a number";
                }
                if (record.TryGetProperty("body", out var text) && text.ValueKind != JsonValueKind.String)
                {
                    return $"element {i}: body is not a string";
                }
                foreach (var name in new[] { "attributes", "resources" })
                {
                    if (record.TryGetProperty(name, out var map) && map.ValueKind != JsonValueKind.Object)
                    {
                        return $"element {i}: {name} is not an object";
                    }
                }
                if (RefuseRecord?.Invoke(record) is { } reason)
                {
                    return $"element {i}: {reason}"; // SigNoz refuses the whole request for one bad record
                }
                ids[i++] = _recordId?.Invoke(record) ?? 0;
            }
            return null;
        }
        catch (JsonException ex)
        {
            return "invalid JSON: " + ex.Message;
        }
    }
}
