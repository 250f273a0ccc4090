using System.Net;
using System.Net.Http.Headers;
using FlowLogForwarder.Batching;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace FlowLogForwarder.Delivery;

/// <summary>
/// Posts batches to the SigNoz HTTP logs endpoint. Retries 408, 429, 5xx and network errors with jittered
/// exponential backoff, honouring <c>Retry-After</c>; never retries other 4xx. One instance per process.
/// </summary>
public sealed class SigNozClient : IBatchSink
{
    private const string IngestionKeyHeader = "signoz-ingestion-key";
    private const int MaxErrorBodyChars = 300;
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly SigNozClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Creates a client over <paramref name="http"/> (whose own timeout should be infinite: attempts are timed here).</summary>
    public SigNozClient(HttpClient http, SigNozClientOptions options, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        _http = http;
        _options = options;
        _time = time;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException or IOException } => true,
                    { Result: { } response } => IsTransient(response.StatusCode),
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

    /// <summary>Creates the process-wide <see cref="HttpClient"/>: pooled keep-alive connections, no client-level timeout.</summary>
    public static HttpClient CreateHttpClient(HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50),
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <inheritdoc />
    public ValueTask<DeliveryResult> SendAsync(SigNozBatch batch, CancellationToken cancellationToken) =>
        SendAsync(batch.Json, cancellationToken);

    /// <summary>Posts one JSON array and classifies the outcome.</summary>
    public async ValueTask<DeliveryResult> SendAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var attempt = new AttemptState(this, json);
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static (state, ct) => state.Client.PostOnceAsync(state, ct), attempt, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(DeliveryStatus.Cancelled, attempt.Attempts, null, "stopped: the time available ran out before delivery");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException)
        {
            return new DeliveryResult(DeliveryStatus.RetriesExhausted, attempt.Attempts, null, Describe(ex));
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new DeliveryResult(DeliveryStatus.Delivered, attempt.Attempts, status, null);
            }
            var detail = $"HTTP {status} {response.ReasonPhrase}: {await ReadErrorBodyAsync(response, cancellationToken).ConfigureAwait(false)}";
            var outcome = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => DeliveryStatus.Unauthorized,
                HttpStatusCode.NotFound => DeliveryStatus.NotFound,
                _ when IsTransient(response.StatusCode) => DeliveryStatus.RetriesExhausted,
                _ => DeliveryStatus.Rejected,
            };
            return new DeliveryResult(outcome, attempt.Attempts, status, detail);
        }
    }

    private async ValueTask<HttpResponseMessage> PostOnceAsync(AttemptState state, CancellationToken cancellationToken)
    {
        state.Attempts++;
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint)
        {
            Content = new ReadOnlyMemoryContent(state.Json) { Headers = { ContentType = Json } },
        };
        if (_options.IngestionKey is { Length: > 0 } key)
        {
            request.Headers.TryAddWithoutValidation(IngestionKeyHeader, key);
        }
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? wait = header switch
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

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return body.Length > MaxErrorBodyChars ? body[..MaxErrorBodyChars] + "..." : body;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return "(no body)";
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        TimeoutRejectedException => "the endpoint did not answer within the attempt timeout",
        HttpRequestException { HttpRequestError: var error } http => $"network error ({error}): {http.Message}",
        _ => ex.Message,
    };

    private sealed class AttemptState(SigNozClient client, ReadOnlyMemory<byte> json)
    {
        public SigNozClient Client { get; } = client;

        public ReadOnlyMemory<byte> Json { get; } = json;

        public int Attempts { get; set; }
    }
}
