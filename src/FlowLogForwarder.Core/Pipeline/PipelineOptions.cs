using FlowLogForwarder.Mapping;

namespace FlowLogForwarder.Pipeline;

/// <summary>How an object is turned into batches.</summary>
public sealed record PipelineOptions
{
    /// <summary>Attribute names: OpenTelemetry conventions or AWS field names.</summary>
    public AttributeNaming Naming { get; init; } = AttributeNaming.OpenTelemetry;

    /// <summary>The <c>service.name</c> resource of every record.</summary>
    public string ServiceName { get; init; } = "vpc-flow-logs";

    /// <summary>Largest request body; SigNoz Cloud refuses 16 MB and more. 1 MiB keeps the process small
    /// ((in-flight + 2) × this is all batches ever hold) while each request still carries ~1,000 records.</summary>
    public int MaxBatchBytes { get; init; } = 1024 * 1024;

    /// <summary>Most records in one request.</summary>
    public int MaxBatchRecords { get; init; } = 10_000;

    /// <summary>Batches sent at once per object; more overlap network latency, each costs one batch of memory.</summary>
    public int MaxInFlightBatches { get; init; } = 4;

    /// <summary>Longest line accepted; longer lines are skipped and counted without being buffered.</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>How many skipped lines a summary describes one by one (all are counted).</summary>
    public int MaxReportedSkips { get; init; } = 20;
}
