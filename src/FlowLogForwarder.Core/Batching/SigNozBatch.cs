using System.Buffers;

namespace FlowLogForwarder.Batching;

/// <summary>
/// The records of one request, in a pooled buffer: a JSON array for the SigNoz logs endpoint, or concatenated OTLP
/// <c>log_records</c> fields of one <see cref="Resource"/>, which the exporter wraps into the request (see <see cref="Framing"/>).
/// Records are numbered within their object, so a batch knows which line each record came from.
/// </summary>
public sealed class SigNozBatch : IDisposable
{
    private readonly BatchBufferPool? _pool; // null: the buffer came from the shared ArrayPool (a slice)
    private readonly RecordIndex _records;
    private byte[]? _buffer;
    private readonly int _length;

    internal SigNozBatch(byte[] buffer, int length, BatchBufferPool? pool, int sequence, RecordIndex records, BatchFraming framing, byte[]? resource)
    {
        Framing = framing;
        Resource = resource;
        _buffer = buffer;
        _length = length;
        _pool = pool;
        _records = records;
        Sequence = sequence;
        RecordCount = records.Count;
        FirstLine = records.Line(0);
        LastLine = records.Line(records.Count - 1);
    }

    /// <summary>The records as framed: the JSON array, or the OTLP records.</summary>
    public ReadOnlyMemory<byte> Json => _buffer is { } buffer ? buffer.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(SigNozBatch));

    /// <summary>How the records are joined.</summary>
    public BatchFraming Framing { get; }

    /// <summary>The encoded OTLP <c>Resource</c> every record shares; null for JSON, whose records carry their own.</summary>
    public byte[]? Resource { get; }

    /// <summary>Size of the framed records in bytes (still known after disposal).</summary>
    public int Length => _length;

    /// <summary>0 for the object's first batch, then 1, 2, ... (a slice keeps its batch's number).</summary>
    public int Sequence { get; }

    /// <summary>Number of log records in the array.</summary>
    public int RecordCount { get; }

    /// <summary>Line number (1-based, the header is line 1) of the first record.</summary>
    public long FirstLine { get; }

    /// <summary>Line number of the last record.</summary>
    public long LastLine { get; }

    /// <summary>Line number of record <paramref name="record"/> (0-based within the batch).</summary>
    public long LineOf(int record)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)record, (uint)RecordCount, nameof(record));
        return _records.Line(record);
    }

    /// <summary>A new batch holding records [<paramref name="first"/>, first + <paramref name="count"/>) of this one, in
    /// a buffer of its own (used only when a refused batch is split, so the copy is off the hot path).</summary>
    public SigNozBatch Slice(int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, RecordCount, nameof(count));
        var records = Json.Span;
        var open = Framing.Open;
        var close = Framing.Close;
        // Record i spans (end(i-1) + separator, end(i)]; the first one starts after the opening.
        var start = first == 0 ? open.Length : _records.End(first - 1) + Framing.Separator.Length;
        var end = _records.End(first + count - 1);
        var length = open.Length + (end - start) + close.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        open.CopyTo(buffer, 0);
        records[start..end].CopyTo(buffer.AsSpan(open.Length));
        close.CopyTo(buffer, length - close.Length);
        var index = new RecordIndex();
        for (var i = first; i < first + count; i++)
        {
            index.Add(_records.End(i) - start + open.Length, _records.Line(i));
        }
        return new SigNozBatch(buffer, length, pool: null, Sequence, index, Framing, Resource);
    }

    /// <summary>Returns the buffers to their pools; the batch must not be used afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            if (_pool is null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            else
            {
                _pool.Return(buffer);
            }
            _records.Dispose();
        }
    }
}
