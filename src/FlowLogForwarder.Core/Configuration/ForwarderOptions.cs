using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Storage;

namespace FlowLogForwarder.Configuration;

/// <summary>
/// Every setting of the forwarder, read from environment variables and validated at start-up.
/// The ingestion key is held here but never printed: <see cref="ToString"/> redacts it.
/// </summary>
public sealed class ForwarderOptions
{
    /// <summary>Environment variable names, as documented in the README.</summary>
    public static class Variables
    {
        public const string Endpoint = "SIGNOZ_ENDPOINT";
        public const string IngestionKey = "SIGNOZ_INGESTION_KEY";
        public const string IngestionKeyParameter = "SIGNOZ_INGESTION_KEY_PARAMETER";
        public const string AllowHttp = "SIGNOZ_ALLOW_HTTP";
        public const string MaxAttempts = "SIGNOZ_MAX_ATTEMPTS";
        public const string AttemptTimeoutSeconds = "SIGNOZ_ATTEMPT_TIMEOUT_SECONDS";
        public const string AttributeNaming = "FLOWLOG_ATTRIBUTE_NAMING";
        public const string Body = "FLOWLOG_BODY";
        public const string Format = "FLOWLOG_FORMAT";
        public const string Compression = "SIGNOZ_COMPRESSION";
        public const string Protocol = "SIGNOZ_PROTOCOL";
        public const string ServiceName = "FLOWLOG_SERVICE_NAME";
        public const string BatchMaxBytes = "FLOWLOG_BATCH_MAX_BYTES";
        public const string BatchMaxRecords = "FLOWLOG_BATCH_MAX_RECORDS";
        public const string MaxInFlight = "FLOWLOG_MAX_IN_FLIGHT";
        public const string MaxLineBytes = "FLOWLOG_MAX_LINE_BYTES";
        public const string S3ServiceUrl = "FLOWLOG_S3_SERVICE_URL";
        public const string AllowedBuckets = "FLOWLOG_ALLOWED_BUCKETS";
        public const string Resume = "FLOWLOG_RESUME";
        public const string MaxObjectBytes = "FLOWLOG_MAX_OBJECT_BYTES";
        public const string SsmServiceUrl = "FLOWLOG_SSM_SERVICE_URL";
        public const string SqsServiceUrl = "FLOWLOG_SQS_SERVICE_URL";
        public const string ProgressTag = "FLOWLOG_PROGRESS_TAG";
        public const string ExpectedBucketOwner = "FLOWLOG_EXPECTED_BUCKET_OWNER";
    }

    private ForwarderOptions()
    {
    }

    /// <summary>The logs endpoint; null only when it was not required (preview).</summary>
    public Uri? Endpoint { get; private init; }

    /// <summary>The ingestion key given directly; null when absent or to be read from SSM.</summary>
    public string? IngestionKey { get; private init; }

    /// <summary>Name of an SSM SecureString parameter holding the key (read by the Lambda at start-up).</summary>
    public string? IngestionKeyParameter { get; private init; }

    /// <summary>True when plain http was explicitly allowed (self-hosted SigNoz on a private network).</summary>
    public bool AllowHttp { get; private init; }

    /// <summary>Buckets whose objects may be read; empty allows any bucket the function can read.</summary>
    public IReadOnlySet<string> AllowedBuckets { get; private init; } = new HashSet<string>();

    /// <summary>Lambda: record progress as an S3 object tag, resume retried objects after it, skip delivered ones.</summary>
    public bool Resume { get; private init; }

    /// <summary>The S3 tag key holding this destination's progress: <c>FLOWLOG_PROGRESS_TAG</c>, else derived from the
    /// endpoint (<see cref="ProgressTagKey.ForEndpoint"/>); null when no endpoint was configured (nothing is sent).</summary>
    public string? ProgressTag { get; private init; }

    /// <summary>The accounts that must own the buckets read; null when S3 calls carry no bucket owner condition.</summary>
    public ExpectedBucketOwners? ExpectedBucketOwners { get; private init; }

    /// <summary>Objects larger than this (by the event's size field) are skipped, not read.</summary>
    public long MaxObjectBytes { get; private init; }

    /// <summary>How batches are built.</summary>
    public required PipelineOptions Pipeline { get; init; }

    /// <summary>HTTP attempts per batch.</summary>
    public int MaxAttempts { get; private init; }

    /// <summary>Time allowed for one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; private init; }

    /// <summary>How request bodies are compressed.</summary>
    public BodyCompression Compression { get; private init; }

    /// <summary>The region and endpoints of every AWS client the forwarder makes (S3, SSM, SQS).</summary>
    public required AwsOptions Aws { get; init; }

    /// <summary>Reads and validates every variable; throws <see cref="ConfigurationException"/> naming the first bad one.</summary>
    /// <param name="environment">Looks up a variable (e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <param name="overrides">Settings given explicitly (the CLI's flags), applied over the environment's.</param>
    /// <param name="requireEndpoint">False for commands that send nothing.</param>
    public static ForwarderOptions Load(Func<string, string?> environment, ConfigurationOverrides? overrides = null, bool requireEndpoint = true)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;

        // The variable is still parsed when the flag is given, so a typo in it fails the same way everywhere.
        var allowHttp = ParseBool(Variables.AllowHttp, Get(Variables.AllowHttp), ForwarderDefaults.AllowHttp) | (overrides?.AllowHttp == true);
        var endpointText = overrides?.Endpoint ?? Get(Variables.Endpoint);
        Uri? endpoint = null;
        if (endpointText is null)
        {
            if (requireEndpoint)
            {
                throw new ConfigurationException(Variables.Endpoint,
                    "is required: the SigNoz logs URL, e.g. https://ingest.us.signoz.cloud:443/logs/json");
            }
        }
        else
        {
            endpoint = ParseEndpoint(endpointText, allowHttp);
        }

        // Not Get(): the key's own rule trims it and refuses a blank one rather than treating it as absent.
        var key = environment(Variables.IngestionKey) is { Length: > 0 } rawKey
            ? IngestionKeyRule.Normalize(rawKey, Variables.IngestionKey, "the value")
            : null;
        var keyParameter = Get(Variables.IngestionKeyParameter);
        if (key is not null && keyParameter is not null)
        {
            throw new ConfigurationException(Variables.IngestionKeyParameter,
                $"set either {Variables.IngestionKey} or {Variables.IngestionKeyParameter}, not both");
        }

        var naming = Get(Variables.AttributeNaming)?.ToLowerInvariant() switch
        {
            null => ForwarderDefaults.Naming,
            "otel" or "opentelemetry" => AttributeNaming.OpenTelemetry,
            "aws" => AttributeNaming.Aws,
            var other => throw new ConfigurationException(Variables.AttributeNaming, $"'{other}' is not 'otel' or 'aws'"),
        };

        // As with SIGNOZ_ALLOW_HTTP, a variable is parsed even when a flag overrides it: a typo fails everywhere alike.
        var body = ParseBody(Get(Variables.Body));
        var compression = ParseCompression(Get(Variables.Compression));
        var format = Get(Variables.Format) is { } formatText ? ParseFormat(formatText, Variables.Format) : ForwarderDefaults.FormatLayout;

        var pipeline = new PipelineOptions
        {
            Protocol = Get(Variables.Protocol)?.ToLowerInvariant() switch
            {
                null => ForwarderDefaults.Protocol,
                "json" => SigNozProtocol.Json,
                "otlp" => SigNozProtocol.Otlp,
                var other => throw new ConfigurationException(Variables.Protocol, $"'{other}' is not json or otlp"),
            },
            Naming = naming,
            Body = overrides?.Body ?? body,
            ServiceName = Get(Variables.ServiceName) ?? ForwarderDefaults.ServiceName,
            MaxBatchBytes = ForwarderDefaults.BatchMaxBytes.Parse(Get(Variables.BatchMaxBytes)),
            MaxBatchRecords = ForwarderDefaults.BatchMaxRecords.Parse(Get(Variables.BatchMaxRecords)),
            MaxInFlightBatches = ForwarderDefaults.MaxInFlight.Parse(Get(Variables.MaxInFlight)),
            MaxLineBytes = ForwarderDefaults.MaxLineBytes.Parse(Get(Variables.MaxLineBytes)),
            HeaderlessLayout = overrides?.Format is { } flag ? ParseFormat(flag, "--format") : format,
        };

        return new ForwarderOptions
        {
            Endpoint = endpoint,
            IngestionKey = key,
            IngestionKeyParameter = keyParameter,
            AllowHttp = allowHttp,
            Pipeline = pipeline,
            AllowedBuckets = (Get(Variables.AllowedBuckets) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(b => BucketNames.IsValid(b) ? b : throw new ConfigurationException(Variables.AllowedBuckets, $"'{b}' is not a bucket name"))
                .ToHashSet(StringComparer.Ordinal),
            ProgressTag = ParseProgressTag(Get(Variables.ProgressTag), endpoint),
            ExpectedBucketOwners = ExpectedBucketOwners.Parse(Get(Variables.ExpectedBucketOwner), Variables.ExpectedBucketOwner),
            Resume = ParseBool(Variables.Resume, Get(Variables.Resume), ForwarderDefaults.Resume),
            MaxObjectBytes = ForwarderDefaults.MaxObjectBytes.Parse(Get(Variables.MaxObjectBytes)),
            MaxAttempts = ForwarderDefaults.MaxAttempts.Parse(Get(Variables.MaxAttempts)),
            AttemptTimeout = TimeSpan.FromSeconds(ForwarderDefaults.AttemptTimeoutSeconds.Parse(Get(Variables.AttemptTimeoutSeconds))),
            Compression = overrides?.Compression ?? compression,
            Aws = AwsOptions.Load(environment),
        };
    }

    /// <summary>The delivery settings, with the key resolved (directly or from SSM) by the caller, and where to say that
    /// <c>auto</c> compression fell back to plain bodies.</summary>
    public SigNozClientOptions ClientOptions(string? resolvedKey, Action<string>? onCompressionFallback = null) => new()
    {
        Endpoint = Endpoint ?? throw new InvalidOperationException("No endpoint was configured."),
        IngestionKey = resolvedKey,
        MaxAttempts = MaxAttempts,
        AttemptTimeout = AttemptTimeout,
        Protocol = Pipeline.Protocol,
        Compression = Compression,
        OnCompressionFallback = onCompressionFallback,
    };

    /// <summary>A one-line description for start-up logs; the key is never included.</summary>
    public override string ToString() =>
        $"endpoint={Endpoint?.GetLeftPart(UriPartial.Path) ?? "(none)"} key={(IngestionKey is null ? IngestionKeyParameter is null ? "none" : "ssm:" + IngestionKeyParameter : "set")} " +
        $"naming={Pipeline.Naming} body={Pipeline.Body} batchBytes={Pipeline.MaxBatchBytes} batchRecords={Pipeline.MaxBatchRecords} inFlight={Pipeline.MaxInFlightBatches} " +
        $"maxAttempts={MaxAttempts} attemptTimeout={AttemptTimeout.TotalSeconds}s protocol={Pipeline.Protocol} compression={Compression} progressTag={ProgressTag ?? "(none)"} " +
        $"expectedBucketOwner={ExpectedBucketOwners?.ToString() ?? "(any)"}";

    private static Uri ParseEndpoint(string text, bool allowHttp)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ConfigurationException(Variables.Endpoint, "is not an absolute http(s) URL");
        }
        if (uri.UserInfo.Length > 0)
        {
            throw new ConfigurationException(Variables.Endpoint, $"must not carry credentials; put the key in {Variables.IngestionKey}");
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !allowHttp)
        {
            throw new ConfigurationException(Variables.Endpoint,
                $"must use https; set {Variables.AllowHttp}=true only for a self-hosted collector on a private network");
        }
        return uri;
    }

    private static string? ParseProgressTag(string? text, Uri? endpoint)
    {
        if (text is null)
        {
            return endpoint is null ? null : ProgressTagKey.ForEndpoint(endpoint);
        }
        return ProgressTagKey.Problem(text) is { } problem
            ? throw new ConfigurationException(Variables.ProgressTag, $"'{text}' is not an S3 tag key: it {problem}")
            : text;
    }

    private static FlowLogHeader ParseFormat(string text, string source) =>
        FlowLogFormat.TryParse(text, out var layout, out var error)
            ? layout
            : throw new ConfigurationException(source, $"is not a flow log format: {error}");

    private static BodyMode ParseBody(string? text) => text?.ToLowerInvariant() switch
    {
        null => ForwarderDefaults.Body,
        "line" => BodyMode.Line,
        "summary" => BodyMode.Summary,
        "none" => BodyMode.None,
        _ => throw new ConfigurationException(Variables.Body, $"'{text}' is not line, summary or none"),
    };

    private static BodyCompression ParseCompression(string? text) => text?.ToLowerInvariant() switch
    {
        null => ForwarderDefaults.Compression,
        "auto" => BodyCompression.Auto,
        "gzip" => BodyCompression.Gzip,
        "zstd" => BodyCompression.Zstd,
        "none" => BodyCompression.None,
        _ => throw new ConfigurationException(Variables.Compression, $"'{text}' is not auto, gzip, zstd or none"),
    };

    private static bool ParseBool(string name, string? text, bool fallback) => text?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new ConfigurationException(name, $"'{text}' is not true or false"),
    };
}
