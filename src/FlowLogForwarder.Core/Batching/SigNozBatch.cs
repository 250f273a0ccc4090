namespace FlowLogForwarder.Batching;

/// <summary>
/// One request body for the SigNoz logs endpoint: a JSON array of log records, in a pooled buffer.
/// Records are numbered within their object, so a batch knows which lines it carries.
/// </summary>
public sealed class SigNozBatch : IDisposable
{
    private readonly BatchBufferPool _pool;
    private byte[]? _buffer;
    private readonly int _length;

    internal SigNozBatch(byte[] buffer, int length, BatchBufferPool pool, int sequence, int recordCount, long firstLine, long lastLine)
    {
        _buffer = buffer;
        _length = length;
        _pool = pool;
        Sequence = sequence;
        RecordCount = recordCount;
        FirstLine = firstLine;
        LastLine = lastLine;
    }

    /// <summary>The JSON array.</summary>
    public ReadOnlyMemory<byte> Json => _buffer is { } buffer ? buffer.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(SigNozBatch));

    /// <summary>Size of the JSON array in bytes (still known after disposal).</summary>
    public int Length => _length;

    /// <summary>0 for the object's first batch, then 1, 2, ...</summary>
    public int Sequence { get; }

    /// <summary>Number of log records in the array.</summary>
    public int RecordCount { get; }

    /// <summary>Line number (1-based, the header is line 1) of the first record.</summary>
    public long FirstLine { get; }

    /// <summary>Line number of the last record.</summary>
    public long LastLine { get; }

    /// <summary>Returns the buffer to the pool; the batch must not be used afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            _pool.Return(buffer);
        }
    }
}
