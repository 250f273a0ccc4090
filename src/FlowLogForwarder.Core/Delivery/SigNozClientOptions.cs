using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Delivery;

/// <summary>Where and how <see cref="SigNozClient"/> posts batches; the defaults are <see cref="ForwarderDefaults"/>'.</summary>
public sealed record SigNozClientOptions
{
    /// <summary>The logs endpoint, e.g. <c>https://ingest.us.signoz.cloud:443/logs/json</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Sent as the <c>signoz-ingestion-key</c> header; null for self-hosted collectors without one.</summary>
    public string? IngestionKey { get; init; }

    /// <summary>Attempts per batch, the first one included.</summary>
    public int MaxAttempts { get; init; } = ForwarderDefaults.MaxAttempts.Default;

    /// <summary>Backoff before the first retry; doubles each time, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = ForwarderDefaults.RetryBaseDelay;

    /// <summary>Longest backoff between two attempts, and longest <c>Retry-After</c> honoured.</summary>
    public TimeSpan MaxDelay { get; init; } = ForwarderDefaults.RetryMaxDelay;

    /// <summary>Time allowed for one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(ForwarderDefaults.AttemptTimeoutSeconds.Default);

    /// <summary>What is sent: JSON arrays, or OTLP/HTTP protobuf requests.</summary>
    public SigNozProtocol Protocol { get; init; } = ForwarderDefaults.Protocol;

    /// <summary>How bodies are compressed; for OTLP, <see cref="BodyCompression.Auto"/> is gzip, which OTLP receivers
    /// (SigNoz Cloud's included) support, so it is not probed.</summary>
    public BodyCompression Compression { get; init; } = ForwarderDefaults.Compression;

    /// <summary>Told (once) when <see cref="BodyCompression.Auto"/> falls back to uncompressed bodies.</summary>
    public Action<string>? OnCompressionFallback { get; init; }
}
