using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;
using Variables = FlowLogForwarder.Configuration.ForwarderOptions.Variables;

namespace FlowLogForwarder.Configuration;

/// <summary>
/// The one place where every default is written. <see cref="ForwarderOptions.Load"/> falls back to these, and the option
/// records (<c>PipelineOptions</c>, <c>SigNozClientOptions</c>) take their initial values from them, so a default cannot
/// differ between the Lambda, the CLI and a record built in code. The README's configuration table is checked against
/// them by a test.
/// </summary>
public static class ForwarderDefaults
{
    /// <summary>SigNoz Cloud refuses requests of 16 MB or more; stay clear of it.</summary>
    public const int BatchBytesCeiling = 15 * 1024 * 1024;

    /// <summary><c>SIGNOZ_ALLOW_HTTP</c>: https only unless plain http is asked for.</summary>
    public const bool AllowHttp = false;

    /// <summary><c>FLOWLOG_ATTRIBUTE_NAMING</c>: OpenTelemetry names, as the OpenTelemetry collector's decoder.</summary>
    public const AttributeNaming Naming = AttributeNaming.OpenTelemetry;

    /// <summary><c>FLOWLOG_BODY</c>: the original line, as before the option existed.</summary>
    public const BodyMode Body = BodyMode.Line;

    /// <summary><c>FLOWLOG_SERVICE_NAME</c>: the <c>service.name</c> resource of every record.</summary>
    public const string ServiceName = "vpc-flow-logs";

    /// <summary><c>SIGNOZ_PROTOCOL</c>: SigNoz's JSON logs endpoint, as the product's brief asks.</summary>
    public const SigNozProtocol Protocol = SigNozProtocol.Json;

    /// <summary><c>SIGNOZ_COMPRESSION</c>: gzip, falling back to plain bodies if the endpoint refuses it.</summary>
    public const BodyCompression Compression = BodyCompression.Auto;

    /// <summary><c>FLOWLOG_FORMAT</c>: the layout of records without a header line; AWS's default format (version 2).</summary>
    public const string Format = FlowLogFormat.AwsDefault;

    /// <summary><see cref="Format"/>, parsed once.</summary>
    public static FlowLogHeader FormatLayout { get; } = FlowLogFormat.Parse(Format);

    /// <summary><c>FLOWLOG_RESUME</c>: progress tags on, so a retried object does not send its records twice.</summary>
    public const bool Resume = true;

    /// <summary><c>SIGNOZ_MAX_ATTEMPTS</c>: attempts per batch, the first included.</summary>
    public static NumberSetting<int> MaxAttempts { get; } = new(Variables.MaxAttempts, 6, 1, 20);

    /// <summary><c>SIGNOZ_ATTEMPT_TIMEOUT_SECONDS</c>: time allowed for one HTTP attempt.</summary>
    public static NumberSetting<int> AttemptTimeoutSeconds { get; } = new(Variables.AttemptTimeoutSeconds, 30, 1, 900);

    /// <summary><c>FLOWLOG_BATCH_MAX_BYTES</c>: 1 MiB keeps the process small ((in-flight + 2) × this is all batches ever
    /// hold) while each request still carries ~1,000 records.</summary>
    public static NumberSetting<int> BatchMaxBytes { get; } = new(Variables.BatchMaxBytes, 1024 * 1024, 1024, BatchBytesCeiling);

    /// <summary><c>FLOWLOG_BATCH_MAX_RECORDS</c>: most records in one request.</summary>
    public static NumberSetting<int> BatchMaxRecords { get; } = new(Variables.BatchMaxRecords, 10_000, 1, 1_000_000);

    /// <summary><c>FLOWLOG_MAX_IN_FLIGHT</c>: batches sent at once per object; more overlap network latency, each costs
    /// one batch of memory.</summary>
    public static NumberSetting<int> MaxInFlight { get; } = new(Variables.MaxInFlight, 4, 1, 64);

    /// <summary><c>FLOWLOG_MAX_LINE_BYTES</c>: longest line accepted; longer lines are skipped and counted unbuffered.</summary>
    public static NumberSetting<int> MaxLineBytes { get; } = new(Variables.MaxLineBytes, 64 * 1024, 1024, 1024 * 1024);

    /// <summary><c>FLOWLOG_MAX_OBJECT_BYTES</c>: objects larger than this (by the event's size field) are skipped, not read.</summary>
    public static NumberSetting<long> MaxObjectBytes { get; } = new(Variables.MaxObjectBytes, 5L * 1024 * 1024 * 1024, 1, long.MaxValue);

    /// <summary>How many skipped lines a summary describes one by one (all are counted); not configurable.</summary>
    public const int MaxReportedSkips = 20;

    /// <summary>Backoff before the first retry, doubled each time with jitter; not configurable.</summary>
    public static TimeSpan RetryBaseDelay { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest backoff between two attempts, and longest <c>Retry-After</c> honoured; not configurable.</summary>
    public static TimeSpan RetryMaxDelay { get; } = TimeSpan.FromSeconds(30);
}
