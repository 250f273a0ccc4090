using FlowLogForwarder.Delivery;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Pipeline;

/// <summary>How the forwarding of an object ended.</summary>
public enum ObjectOutcome
{
    /// <summary>Every record was delivered, or counted as skipped or rejected with its reason.</summary>
    Completed,
    /// <summary>Delivery stopped on a condition that may pass (endpoint down, throttled past every retry, time out, read error):
    /// retry the object.</summary>
    Failed,
    /// <summary>The object cannot be read as a flow log (not a flow log header, corrupt gzip); retrying will not help.
    /// Records before the fault were delivered.</summary>
    Unreadable,
}

/// <summary>One skipped line, for the log: where it is and why it was skipped.</summary>
public sealed record SkippedLine(long Line, LineFault Reason, string? Field);

/// <summary>What happened to one object: counts of every record's fate, bytes, batches and time.</summary>
public sealed record ForwardingSummary
{
    /// <summary>The object's key (or file name).</summary>
    public required string ObjectKey { get; init; }

    /// <summary>How it ended.</summary>
    public required ObjectOutcome Outcome { get; init; }

    /// <summary>Why it did not complete, or null.</summary>
    public string? Error { get; init; }

    /// <summary>Lines read, the header included.</summary>
    public long Lines { get; init; }

    /// <summary>Records parsed and queued for delivery.</summary>
    public long RecordsRead { get; init; }

    /// <summary>Records the endpoint acknowledged.</summary>
    public long RecordsForwarded { get; init; }

    /// <summary>Records the endpoint refused when sent alone (400/413), each a small minority; final, not retried.</summary>
    public long RecordsRejected { get; init; }

    /// <summary>The first rejected records, with line numbers and the server's reason.</summary>
    public IReadOnlyList<RejectedRecord> RejectedRecords { get; init; } = [];

    /// <summary>Records queued but not delivered because delivery stopped.</summary>
    public long RecordsFailed { get; init; }

    /// <summary>Lines that were not records, by reason.</summary>
    public long RecordsSkipped { get; init; }

    /// <summary>Skipped lines per reason.</summary>
    public required IReadOnlyDictionary<LineFault, long> SkippedByReason { get; init; }

    /// <summary>The first skipped lines, with line numbers.</summary>
    public required IReadOnlyList<SkippedLine> SkippedSamples { get; init; }

    /// <summary>Blank lines, ignored.</summary>
    public long BlankLines { get; init; }

    /// <summary>Batches closed.</summary>
    public int Batches { get; init; }

    /// <summary>Batches that were not delivered (rejected or failed).</summary>
    public int BatchesFailed { get; init; }

    /// <summary>HTTP retries made, over all batches.</summary>
    public int Retries { get; init; }

    /// <summary>Requests the endpoint refused (400/413), each then split and its halves sent.</summary>
    public int RequestsRefused { get; init; }

    /// <summary>Requests made beyond one per batch because refused requests were split.</summary>
    public int SplitRequests { get; init; }

    /// <summary>The first refused requests: the lines each carried, the status and the server's reason.</summary>
    public IReadOnlyList<RefusedRequest> RefusedRequests { get; init; } = [];

    /// <summary>Every line up to this one was delivered or finally dealt with; a retry may resume after it.</summary>
    public long AcknowledgedThroughLine { get; init; }

    /// <summary>When resuming, the line the previous attempt had delivered through; 0 otherwise.</summary>
    public long ResumedAfterLine { get; init; }

    /// <summary>Lines not sent again because a previous attempt delivered them.</summary>
    public long LinesAlreadyDelivered { get; init; }

    /// <summary>Bytes read as stored (compressed).</summary>
    public long BytesIn { get; init; }

    /// <summary>Bytes after the gzip data's end that were not gzip and were ignored (0 for a well-formed object).</summary>
    public long TrailingBytesIgnored { get; init; }

    /// <summary>Bytes of flow log text.</summary>
    public long BytesDecompressed { get; init; }

    /// <summary>Bytes on the wire (compressed when compression is on) of the requests the endpoint acknowledged.</summary>
    public long BytesOut { get; init; }

    /// <summary>JSON bytes of the records the endpoint acknowledged, before compression.</summary>
    public long BytesJson { get; init; }

    /// <summary>Wall time for the object.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The summary of an object that could not even be opened (a missing or unreadable file).</summary>
    public static ForwardingSummary Unopened(string objectKey, string reason) => new()
    {
        ObjectKey = objectKey,
        Outcome = ObjectOutcome.Unreadable,
        Error = $"cannot be opened: {reason}",
        SkippedByReason = new Dictionary<LineFault, long>(),
        SkippedSamples = [],
    };
}
