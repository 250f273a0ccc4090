using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Pipeline;

/// <summary>How an object is turned into batches; the defaults are <see cref="ForwarderDefaults"/>'.</summary>
public sealed record PipelineOptions
{
    /// <summary>The encoding of records and requests; the exporter must speak the same.</summary>
    public SigNozProtocol Protocol { get; init; } = ForwarderDefaults.Protocol;

    /// <summary>Attribute names: OpenTelemetry conventions or AWS field names.</summary>
    public AttributeNaming Naming { get; init; } = ForwarderDefaults.Naming;

    /// <summary>What each record's <c>body</c> carries: the line, a summary sentence, or nothing.</summary>
    public BodyMode Body { get; init; } = ForwarderDefaults.Body;

    /// <summary>The <c>service.name</c> resource of every record.</summary>
    public string ServiceName { get; init; } = ForwarderDefaults.ServiceName;

    /// <summary>Largest request body; SigNoz Cloud refuses 16 MB and more.</summary>
    public int MaxBatchBytes { get; init; } = ForwarderDefaults.BatchMaxBytes.Default;

    /// <summary>Most records in one request.</summary>
    public int MaxBatchRecords { get; init; } = ForwarderDefaults.BatchMaxRecords.Default;

    /// <summary>Batches sent at once per object; more overlap network latency, each costs one batch of memory.</summary>
    public int MaxInFlightBatches { get; init; } = ForwarderDefaults.MaxInFlight.Default;

    /// <summary>Longest line accepted; longer lines are skipped and counted without being buffered.</summary>
    public int MaxLineBytes { get; init; } = ForwarderDefaults.MaxLineBytes.Default;

    /// <summary>The layout of an object whose first line is not a header, and of CloudWatch Logs events (<c>FLOWLOG_FORMAT</c>).</summary>
    public FlowLogHeader HeaderlessLayout { get; init; } = ForwarderDefaults.FormatLayout;

    /// <summary>How many skipped lines a summary describes one by one (all are counted).</summary>
    public int MaxReportedSkips { get; init; } = ForwarderDefaults.MaxReportedSkips;
}
