namespace FlowLogForwarder.Batching;

/// <summary>
/// Collects serialized log records into JSON arrays that never exceed a byte budget or a record count.
/// Records arrive already serialized, so closing a batch never needs to undo a half-written record.
/// </summary>
public sealed class SigNozBatchWriter : IDisposable
{
    private readonly int _maxRecords;
    private readonly BatchBufferPool _pool;
    private byte[]? _current;
    private int _written;
    private int _count;
    private int _sequence;
    private RecordIndex? _records;

    /// <summary>Creates a writer whose batches hold at most <paramref name="maxBytes"/> bytes and <paramref name="maxRecords"/> records.</summary>
    public SigNozBatchWriter(int maxBytes, int maxRecords, BatchBufferPool? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        _maxRecords = maxRecords;
        _pool = pool ?? new BatchBufferPool(maxBytes, capacity: 2);
        if (_pool.BufferBytes != maxBytes)
        {
            throw new ArgumentException("The pool's buffers must be the batch budget's size.", nameof(pool));
        }
    }

    /// <summary>The largest single record that fits in a batch: the budget less the brackets.</summary>
    public int MaxRecordBytes => _pool.BufferBytes - 2;

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
        if (_current is not null && _written + 1 + recordJson.Length + 1 > _current.Length)
        {
            closed = Close();
        }
        if (_current is null)
        {
            _current = _pool.Rent();
            _records = new RecordIndex();
            _written = 0;
        }
        _current[_written++] = _count == 0 ? (byte)'[' : (byte)',';
        recordJson.CopyTo(_current.AsSpan(_written));
        _written += recordJson.Length;
        _records!.Add(_written, lineNumber);
        _count++;
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
        if (_current is { } buffer)
        {
            _pool.Return(buffer);
            _records?.Dispose();
        }
        _current = null;
        _records = null;
    }

    private SigNozBatch Close()
    {
        var buffer = _current!;
        buffer[_written++] = (byte)']';
        var batch = new SigNozBatch(buffer, _written, _pool, _sequence++, _records!);
        _current = null;
        _records = null;
        _count = 0;
        return batch;
    }
}
