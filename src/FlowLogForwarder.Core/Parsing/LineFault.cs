namespace FlowLogForwarder.Parsing;

/// <summary>Why a line was not forwarded as a record. Every skipped line is counted under one of these.</summary>
public enum LineFault : byte
{
    /// <summary>The line parsed.</summary>
    None = 0,
    /// <summary>The line has more or fewer fields than the header names.</summary>
    FieldCount,
    /// <summary>A numeric field (ports, protocol, packets, bytes, start, end, ...) is not an unsigned 64-bit integer.</summary>
    BadNumber,
    /// <summary>The line is not valid UTF-8, so it cannot be written as a JSON string.</summary>
    InvalidUtf8,
    /// <summary>The line is longer than the configured maximum; it was discarded without being buffered.</summary>
    LineTooLong,
    /// <summary>The record's JSON alone exceeds the batch byte budget.</summary>
    RecordTooLarge,
    /// <summary>The end time is too large to express as nanoseconds since the epoch in a signed 64-bit integer (after 2262-04-11).</summary>
    TimestampOutOfRange,
}
