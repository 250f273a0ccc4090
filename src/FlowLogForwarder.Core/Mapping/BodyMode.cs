namespace FlowLogForwarder.Mapping;

/// <summary>What each record's <c>body</c> carries (<c>FLOWLOG_BODY</c>); the attributes are the same in every mode.</summary>
public enum BodyMode
{
    /// <summary>The original flow log line, as AWS wrote it.</summary>
    Line,
    /// <summary>A short sentence such as <c>REJECT tcp 203.0.113.9:51234 -&gt; 10.0.1.5:22 (3 packets, 180 bytes)</c>
    /// (<see cref="FlowRecordSummary"/>).</summary>
    Summary,
    /// <summary>No <c>body</c> key: SigNoz stores an empty body, and every value is still in the attributes.</summary>
    None,
}
