namespace FlowLogForwarder.Batching;

/// <summary>
/// Collects serialized log records into JSON arrays that never exceed a byte budget or a record count.
/// Records arrive already serialized, so closing a batch never needs to undo a half-written record.
/// </summary>
public sealed class SigNozBatchWriter : IDisposable
{
    private readonly int _maxBytes;
    private readonly int _maxRecords;
    private PooledBufferWriter? _current;
    private int _count;
    private int _sequence;
    private long _firstLine;
    private long _lastLine;

    /// <summary>Creates a writer whose batches hold at most <paramref name="maxBytes"/> bytes and <paramref name="maxRecords"/> records.</summary>
    public SigNozBatchWriter(int maxBytes, int maxRecords)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        _maxBytes = maxBytes;
        _maxRecords = maxRecords;
    }

    /// <summary>The largest single record that fits in a batch: the budget less the brackets.</summary>
    public int MaxRecordBytes => _maxBytes - 2;

    /// <summary>Records in the open batch.</summary>
    public int PendingRecords => _count;

    /// <summary>
    /// Adds one record (a JSON object). Returns the batch it closed to make room, or null.
    /// The caller checks <see cref="MaxRecordBytes"/> first.
    /// </summary>
    public SigNozBatch? Add(ReadOnlySpan<byte> recordJson, long lineNumber)
    {
        if (recordJson.Length > MaxRecordBytes)
        {
            throw new ArgumentException($"A record of {recordJson.Length} bytes exceeds the batch budget.", nameof(recordJson));
        }
        SigNozBatch? closed = null;
        // +1 for the separator or the opening bracket, +1 for the closing bracket.
        if (_current is not null && _current.WrittenCount + 1 + recordJson.Length + 1 > _maxBytes)
        {
            closed = Close();
        }
        if (_current is null)
        {
            _current = new PooledBufferWriter(Math.Min(_maxBytes, 1 << 20));
            _current.Write((byte)'[');
            _firstLine = lineNumber;
        }
        else
        {
            _current.Write((byte)',');
        }
        _current.Write(recordJson);
        _count++;
        _lastLine = lineNumber;
        if (_count == _maxRecords)
        {
            // A batch is closed as soon as it is full, so it was not also closed for bytes above.
            closed = Close();
        }
        return closed;
    }

    /// <summary>Closes and returns the open batch, or null when it is empty.</summary>
    public SigNozBatch? Flush() => _current is null ? null : Close();

    /// <summary>Returns the open batch's buffer without sending it.</summary>
    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }

    private SigNozBatch Close()
    {
        var buffer = _current!;
        buffer.Write((byte)']');
        var batch = new SigNozBatch(buffer, _sequence++, _count, _firstLine, _lastLine);
        _current = null;
        _count = 0;
        return batch;
    }
}
