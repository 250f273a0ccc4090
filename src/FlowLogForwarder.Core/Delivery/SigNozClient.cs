using System.Net;
using System.Net.Http.Headers;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Configuration;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace FlowLogForwarder.Delivery;

/// <summary>
/// Posts batches to SigNoz, as JSON arrays to its HTTP logs endpoint or as OTLP/HTTP protobuf requests
/// (<see cref="SigNozClientOptions.Protocol"/>), and classifies each answer by <see cref="ResponseClassifier"/>: only 2xx
/// delivers; 408, 429, 5xx (OTLP: 429, 502, 503, 504) and network errors are retried with jittered exponential backoff,
/// honouring <c>Retry-After</c>; redirects are never followed. Error bodies are read bounded, leniently and redacted; an
/// OTLP 2xx answer is read for its <c>partial_success</c>. One instance per process.
/// </summary>
public sealed class SigNozClient : IBatchSink
{
    private const string IngestionKeyHeader = "signoz-ingestion-key";
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue Protobuf = new(OtlpRequest.ContentType);

    private readonly HttpClient _http;
    private readonly SigNozClientOptions _options;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly ResiliencePipeline<Answer> _pipeline;
    private int _autoState; // AutoProbing until gzip is accepted (AutoConfirmed) or refused (AutoPlain)
    private int _compressionFallbacks;

    private const int AutoProbing = 0;
    private const int AutoConfirmed = 1;
    private const int AutoPlain = 2;

    /// <summary>Creates a client over <paramref name="http"/> (whose own timeout should be infinite: attempts are timed
    /// here, and whose handler must not follow redirects: see <see cref="CreateHttpClient"/>).</summary>
    public SigNozClient(HttpClient http, SigNozClientOptions options, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        if (options.IngestionKey is { } key && !IngestionKeyRule.IsValid(key))
        {
            // The value is never echoed: it is a secret.
            throw new ArgumentException("The ingestion key is empty or contains whitespace or control characters.", nameof(options));
        }
        _http = http;
        _options = options;
        _time = time;
        _redactor = new SecretRedactor(options.IngestionKey);
        var protocol = options.Protocol;
        var builder = new ResiliencePipelineBuilder<Answer> { TimeProvider = time };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<Answer>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    // A cancellation the caller did not ask for is the handler's own timeout (ConnectTimeout): a network
                    // fault. Polly does not retry once the caller's token is cancelled.
                    { Exception: HttpRequestException or TimeoutRejectedException or IOException or OperationCanceledException } => true,
                    { Result: { } answer } => ResponseClassifier.Classify(answer.Status, protocol) == ResponseClass.Transient,
                    _ => false,
                }),
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            });
        }
        _pipeline = builder.AddTimeout(options.AttemptTimeout).Build();
    }

    /// <summary>Creates the process-wide <see cref="HttpClient"/>: pooled keep-alive connections, no client-level
    /// timeout, and no redirects followed (the key must never be re-sent to another origin).</summary>
    public static HttpClient CreateHttpClient(HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <inheritdoc />
    public ValueTask<DeliveryResult> SendAsync(SigNozBatch batch, CancellationToken cancellationToken)
    {
        if (_options.Protocol == SigNozProtocol.Json)
        {
            return batch.Resource is null && batch.Framing == BatchFraming.JsonArray
                ? SendAsync(batch.Json, cancellationToken)
                : throw new InvalidOperationException("An OTLP batch was given to a JSON client: the pipeline and the client must share one protocol.");
        }
        if (batch.Resource is not { } resource || batch.Framing != BatchFraming.Concatenated)
        {
            throw new InvalidOperationException("A JSON batch was given to an OTLP client: the pipeline and the client must share one protocol.");
        }
        return SendOtlpAsync(OtlpRequest.Head(resource, batch.Length), batch.Json, cancellationToken);
    }

    /// <summary>Compression fallbacks so far: the endpoint refused gzip and the process went on uncompressed.</summary>
    public int CompressionFallbacks => Volatile.Read(ref _compressionFallbacks);

    /// <summary>Posts one JSON array, compressed as configured, and classifies the outcome.</summary>
    public async ValueTask<DeliveryResult> SendAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var compression = EffectiveCompression;
        if (compression == BodyCompression.None)
        {
            using var plain = EncodedBody.Encode(json, BodyCompression.None);
            return await SendEncodedAsync(plain, cancellationToken).ConfigureAwait(false);
        }
        // Off the caller's thread: the pipeline parses on, and batches in flight compress concurrently.
        using var compressed = await Task.Run(() => EncodedBody.Encode(json, compression), cancellationToken).ConfigureAwait(false);
        var result = await SendEncodedAsync(compressed, cancellationToken).ConfigureAwait(false);
        if (_options.Compression != BodyCompression.Auto)
        {
            return result;
        }
        if (result.Status == DeliveryStatus.Delivered)
        {
            Interlocked.CompareExchange(ref _autoState, AutoConfirmed, AutoProbing);
            return result;
        }
        // 415 says the encoding is the problem; a 400 before gzip was ever accepted may mean the same (a proxy, or an
        // endpoint that does not decode gzip), as may one for a batch compressed before another batch in flight
        // proved gzip refused: the same batch is sent plain, so it is neither lost nor counted twice.
        var encodingRefused = result.HttpStatus == 415;
        var unproven = result.HttpStatus == 400 && Volatile.Read(ref _autoState) != AutoConfirmed;
        if (!encodingRefused && !unproven)
        {
            return result;
        }
        using var fallback = EncodedBody.Encode(json, BodyCompression.None);
        var plainResult = await SendEncodedAsync(fallback, cancellationToken).ConfigureAwait(false);
        if (encodingRefused || plainResult.Status == DeliveryStatus.Delivered)
        {
            FallBack(result);
        }
        return plainResult with { Attempts = result.Attempts + plainResult.Attempts };
    }

    // OTLP receivers decode gzip (SigNoz Cloud documents it on every OTLP endpoint), so `auto` is gzip, never probed.
    private async ValueTask<DeliveryResult> SendOtlpAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> records, CancellationToken cancellationToken)
    {
        var compression = _options.Compression == BodyCompression.Auto ? BodyCompression.Gzip : _options.Compression;
        using var body = compression == BodyCompression.None
            ? EncodedBody.Encode(head, records, compression)
            : await Task.Run(() => EncodedBody.Encode(head, records, compression), cancellationToken).ConfigureAwait(false);
        return await SendEncodedAsync(body, cancellationToken).ConfigureAwait(false);
    }

    private BodyCompression EffectiveCompression => _options.Compression switch
    {
        BodyCompression.Auto => Volatile.Read(ref _autoState) == AutoPlain ? BodyCompression.None : BodyCompression.Gzip,
        var fixedChoice => fixedChoice,
    };

    private void FallBack(DeliveryResult refusal)
    {
        if (Interlocked.Exchange(ref _autoState, AutoPlain) != AutoPlain)
        {
            Interlocked.Increment(ref _compressionFallbacks);
            _options.OnCompressionFallback?.Invoke(
                $"the endpoint refused a gzip body (HTTP {refusal.HttpStatus}) and took it uncompressed: sending uncompressed from now on");
        }
    }

    private async ValueTask<DeliveryResult> SendEncodedAsync(EncodedBody body, CancellationToken cancellationToken)
    {
        var attempt = new AttemptState(this, body);
        Answer answer;
        try
        {
            answer = await _pipeline.ExecuteAsync(
                static (state, ct) => state.Client.PostOnceAsync(state, ct), attempt, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(DeliveryStatus.Cancelled, attempt.Attempts, null, "stopped: the time available ran out before delivery");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException or OperationCanceledException)
        {
            return new DeliveryResult(DeliveryStatus.RetriesExhausted, attempt.Attempts, null, _redactor.Redact(Describe(ex)));
        }

        if (answer.RedirectedTo is { } followed)
        {
            // Only a caller-supplied handler can follow redirects; what it brought back did not come from the endpoint.
            return new DeliveryResult(DeliveryStatus.Redirected, attempt.Attempts, answer.Status,
                _redactor.Redact($"the HTTP handler followed a redirect to host '{followed}'; redirects must not be followed"));
        }
        var status = ResponseClassifier.StatusOf(answer.Status, _options.Protocol);
        if (status == DeliveryStatus.Delivered)
        {
            return new DeliveryResult(status, attempt.Attempts, answer.Status, answer.RejectedRecords > 0 ? answer.Body : null)
            {
                WireBytes = body.Length,
                RejectedRecords = answer.RejectedRecords,
            };
        }
        // Everything here came from the other end (a Location host can spell the key too), so all of it is redacted.
        var detail = status == DeliveryStatus.Redirected
            ? $"HTTP {answer.Status} redirect to host '{answer.LocationHost ?? "(no Location)"}' (redirects are not followed): {answer.Body}"
            : $"HTTP {answer.Status} {answer.Reason}: {answer.Body}";
        return new DeliveryResult(status, attempt.Attempts, answer.Status, _redactor.Redact(detail));
    }

    private async ValueTask<Answer> PostOnceAsync(AttemptState state, CancellationToken cancellationToken)
    {
        state.Attempts++;
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint)
        {
            Content = state.Body.CreateContent(),
        };
        request.Content.Headers.ContentType = _options.Protocol == SigNozProtocol.Otlp ? Protobuf : Json;
        if (state.Body.ContentEncoding is { } encoding)
        {
            request.Content.Headers.ContentEncoding.Add(encoding);
        }
        if (_options.IngestionKey is { } key)
        {
            request.Headers.Add(IngestionKeyHeader, key); // validated: a stray CR or LF throws instead of splitting headers
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var sentTo = response.RequestMessage?.RequestUri;
        var redirectedTo = sentTo is not null && sentTo != _options.Endpoint ? sentTo.Host : null;
        if (ResponseClassifier.Classify(status, _options.Protocol) == ResponseClass.Delivered && redirectedTo is null)
        {
            return _options.Protocol == SigNozProtocol.Otlp
                ? await ReadPartialSuccessAsync(status, response.Content, cancellationToken).ConfigureAwait(false)
                : new Answer(status, null, null, null, null, null);
        }
        // The body is read inside the attempt's timeout and bounded, so a stalled or huge error body cannot hang or
        // exhaust the process; the status alone decides what happens.
        var body = await ErrorBodyReader.ReadAsync(response.Content, _redactor, cancellationToken).ConfigureAwait(false);
        return new Answer(status, Printable(response.ReasonPhrase), response.Headers.RetryAfter, response.Headers.Location is { } location
            ? location.IsAbsoluteUri ? location.Host : _options.Endpoint.Host
            : null, body, redirectedTo);
    }

    // A 2xx OTLP answer may say that some records were rejected all the same: final, so counted, never retried. A body
    // that is not a response (a proxy's page) says nothing about records, and the status alone decides, as for JSON.
    private async ValueTask<Answer> ReadPartialSuccessAsync(int status, HttpContent content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var chunk = new byte[4096];
            int read;
            while (buffer.Length < OtlpRequest.MaxResponseBytes
                && (read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        if (!OtlpRequest.TryReadPartialSuccess(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), out var rejected, out var message) || rejected <= 0)
        {
            return new Answer(status, null, null, null, null, null);
        }
        return new Answer(status, null, null, null, Printable(message ?? "(no message)"), null) { RejectedRecords = rejected };
    }

    private TimeSpan? RetryAfter(Answer? answer)
    {
        TimeSpan? wait = answer?.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow(),
            _ => null,
        };
        if (wait is not { } value)
        {
            return null; // the strategy's own jittered backoff
        }
        return value < TimeSpan.Zero ? TimeSpan.Zero : value > _options.MaxDelay ? _options.MaxDelay : value;
    }

    private string? Printable(string? reason) =>
        reason is null ? null : _redactor.Redact(new string([.. reason.Take(ErrorBodyReader.MaxChars).Select(c => char.IsControl(c) ? ' ' : c)]));

    private static string Describe(Exception ex) => ex switch
    {
        TimeoutRejectedException => "the endpoint did not answer within the attempt timeout",
        OperationCanceledException => "the connection was not established within the connect timeout",
        HttpRequestException { HttpRequestError: var error } http => $"network error ({error}): {http.Message}",
        _ => ex.Message,
    };

    // One attempt's answer, with the response already disposed.
    private sealed record Answer(int Status, string? Reason, RetryConditionHeaderValue? RetryAfter, string? LocationHost, string? Body, string? RedirectedTo)
    {
        public long RejectedRecords { get; init; }
    }

    private sealed class AttemptState(SigNozClient client, EncodedBody body)
    {
        public SigNozClient Client { get; } = client;

        public EncodedBody Body { get; } = body;

        public int Attempts { get; set; }
    }
}
