namespace FlowLogForwarder.Batching;

/// <summary>
/// Collects serialized log records into batches (JSON arrays, or OTLP records concatenated: <see cref="BatchFraming"/>)
/// that never exceed a byte budget or a record count, and hold records of one resource.
/// Records arrive already serialized, so closing a batch never needs to undo a half-written record.
/// </summary>
public sealed class SigNozBatchWriter : IDisposable
{
    private readonly int _maxRecords;
    private readonly BatchFraming _framing;
    private readonly BatchBufferPool _pool;
    private byte[]? _current;
    private int _written;
    private int _count;
    private int _sequence;
    private RecordIndex? _records;
    private byte[]? _resource;

    /// <summary>Creates a writer whose batches hold at most <paramref name="maxBytes"/> bytes and <paramref name="maxRecords"/> records,
    /// framed as <paramref name="framing"/> (a JSON array by default).</summary>
    public SigNozBatchWriter(int maxBytes, int maxRecords, BatchBufferPool? pool = null, BatchFraming? framing = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        _maxRecords = maxRecords;
        _framing = framing ?? BatchFraming.JsonArray;
        _pool = pool ?? new BatchBufferPool(maxBytes, capacity: 2);
        if (_pool.BufferBytes != maxBytes)
        {
            throw new ArgumentException("The pool's buffers must be the batch budget's size.", nameof(pool));
        }
    }

    /// <summary>The largest single record that fits in a batch: the budget less the framing (the brackets).</summary>
    public int MaxRecordBytes => _pool.BufferBytes - _framing.Open.Length - _framing.Close.Length;

    /// <summary>
    /// Adds one record (a JSON object, or an OTLP <c>log_records</c> field of <paramref name="resource"/>). Returns the
    /// batch it closed to make room (or because the resource changed), or null. The caller checks <see cref="MaxRecordBytes"/> first.
    /// </summary>
    public SigNozBatch? Add(ReadOnlySpan<byte> recordJson, long lineNumber, byte[]? resource = null)
    {
        if (recordJson.Length > MaxRecordBytes)
        {
            throw new ArgumentException($"A record of {recordJson.Length} bytes exceeds the batch budget.", nameof(recordJson));
        }
        SigNozBatch? closed = null;
        // The separator (or the opening), the record, and room for the closing.
        if (_current is not null && (_written + _framing.Separator.Length + recordJson.Length + _framing.Close.Length > _current.Length
            || !ReferenceEquals(resource, _resource)))
        {
            closed = Close();
        }
        if (_current is null)
        {
            _current = _pool.Rent();
            _records = new RecordIndex();
            _resource = resource;
            _written = 0;
        }
        var lead = _count == 0 ? _framing.Open : _framing.Separator;
        lead.CopyTo(_current.AsSpan(_written));
        _written += lead.Length;
        recordJson.CopyTo(_current.AsSpan(_written));
        _written += recordJson.Length;
        _records!.Add(_written, lineNumber);
        _count++;
        if (_count == _maxRecords)
        {
            // A batch is closed as soon as it is full, so it was not also closed for bytes or resource above.
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
        _framing.Close.CopyTo(buffer.AsSpan(_written));
        _written += _framing.Close.Length;
        var batch = new SigNozBatch(buffer, _written, _pool, _sequence++, _records!, _framing, _resource);
        _current = null;
        _records = null;
        _count = 0;
        return batch;
    }
}
