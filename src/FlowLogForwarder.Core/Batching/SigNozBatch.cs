using System.Buffers;

namespace FlowLogForwarder.Batching;

/// <summary>
/// One request body for the SigNoz logs endpoint: a JSON array of log records, in a pooled buffer.
/// Records are numbered within their object, so a batch knows which line each record came from.
/// </summary>
public sealed class SigNozBatch : IDisposable
{
    private readonly BatchBufferPool? _pool; // null: the buffer came from the shared ArrayPool (a slice)
    private readonly RecordIndex _records;
    private byte[]? _buffer;
    private readonly int _length;

    internal SigNozBatch(byte[] buffer, int length, BatchBufferPool? pool, int sequence, RecordIndex records)
    {
        _buffer = buffer;
        _length = length;
        _pool = pool;
        _records = records;
        Sequence = sequence;
        RecordCount = records.Count;
        FirstLine = records.Line(0);
        LastLine = records.Line(records.Count - 1);
    }

    /// <summary>The JSON array.</summary>
    public ReadOnlyMemory<byte> Json => _buffer is { } buffer ? buffer.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(SigNozBatch));

    /// <summary>Size of the JSON array in bytes (still known after disposal).</summary>
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
        var json = Json.Span;
        // Record i spans (end(i-1), end(i)): the byte before it is '[' or ',', so it starts one past that.
        var start = first == 0 ? 1 : _records.End(first - 1) + 1;
        var end = _records.End(first + count - 1);
        var length = end - start + 2;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        buffer[0] = (byte)'[';
        json[start..end].CopyTo(buffer.AsSpan(1));
        buffer[length - 1] = (byte)']';
        var index = new RecordIndex();
        for (var i = first; i < first + count; i++)
        {
            index.Add(_records.End(i) - start + 1, _records.Line(i));
        }
        return new SigNozBatch(buffer, length, pool: null, Sequence, index);
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
