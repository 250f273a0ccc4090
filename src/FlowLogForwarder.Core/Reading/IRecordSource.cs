namespace FlowLogForwarder.Reading;

/// <summary>One line handed to the pipeline: its number in the object (1-based) and its bytes, without the line end.</summary>
public readonly ref struct SourceLine(long number, ReadOnlySpan<byte> text, bool tooLong, ReadOnlySpan<byte> id = default)
{
    /// <summary>The identifier the line's origin gave it (a CloudWatch Logs event's id), or empty; written as <c>log.record.uid</c>.</summary>
    public ReadOnlySpan<byte> Id { get; } = id;

    /// <summary>The line's number within the object; for formats without lines, the record's position.</summary>
    public long Number { get; } = number;

    /// <summary>The line's bytes (empty when <see cref="TooLong"/>); valid until the source reads again.</summary>
    public ReadOnlySpan<byte> Text { get; } = text;

    /// <summary>True when the line was longer than the limit and was discarded unread.</summary>
    public bool TooLong { get; } = tooLong;
}

/// <summary>How a source ended.</summary>
public enum SourceEnd
{
    /// <summary>Still reading.</summary>
    None,
    /// <summary>Every byte was read and the object is complete.</summary>
    Complete,
    /// <summary>The object ends mid-stream (a truncated gzip object): the partial last line is not handed out.</summary>
    Truncated,
}

/// <summary>
/// Hands one object's records to the pipeline as lines, in the manner of <c>PipeReader</c>: read asynchronously,
/// then take the complete lines read so far synchronously. A new input format is a new source; the pipeline does not change.
/// </summary>
public interface IRecordSource : IAsyncDisposable
{
    /// <summary>Reads more; false when the object is exhausted (see <see cref="Ending"/>). Lines taken before are invalid after.
    /// A fault of the object (corrupt data, a broken connection) surfaces here, after the lines that preceded it.</summary>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Takes the next line from what was read; false when more must be read first.</summary>
    bool TryTake(out SourceLine line);

    /// <summary>How the object ended, once <see cref="ReadAsync"/> returned false.</summary>
    SourceEnd Ending { get; }

    /// <summary>Bytes ignored after the end of the data (junk after the last gzip member); 0 normally.</summary>
    long TrailingBytesIgnored { get; }

    /// <summary>Bytes read as stored (compressed).</summary>
    long BytesIn { get; }

    /// <summary>Bytes of text handed out.</summary>
    long BytesText { get; }

    /// <summary>True when every line is a record in <c>FLOWLOG_FORMAT</c> and none may be taken for a header (CloudWatch
    /// Logs messages); false when the first line may be the object's header.</summary>
    bool LinesAreRecords => false;
}
