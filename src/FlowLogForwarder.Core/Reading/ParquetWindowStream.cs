namespace FlowLogForwarder.Reading;

/// <summary>
/// The seekable, read-only stream Parquet.Net reads from, served only from byte ranges already fetched: the first
/// bytes (the magic), the footer, and the row group being decoded. Parquet.Net reads synchronously and in small
/// pieces (page headers), so nothing here touches the network; a read outside the fetched ranges means the footer
/// points somewhere it should not, and fails as corrupt data instead of fetching more.
/// </summary>
internal sealed class ParquetWindowStream(long length) : Stream
{
    private readonly List<(long Start, ReadOnlyMemory<byte> Bytes)> _fixed = [];
    private long _windowStart;
    private ReadOnlyMemory<byte> _window;
    private long _position;

    /// <summary>Keeps <paramref name="bytes"/> (the object's bytes from <paramref name="start"/>) for the stream's lifetime.</summary>
    public void AddFixed(long start, ReadOnlyMemory<byte> bytes) => _fixed.Add((start, bytes));

    /// <summary>Serves <paramref name="bytes"/> (from <paramref name="start"/>) in place of the previous row group's.</summary>
    public void SetWindow(long start, ReadOnlyMemory<byte> bytes)
    {
        _windowStart = start;
        _window = bytes;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => length;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new IOException("seek before the start of the object");
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _position >= length)
        {
            return 0;
        }
        var source = Find(_position);
        var count = Math.Min(buffer.Length, source.Length);
        source.Span[..count].CopyTo(buffer);
        _position += count;
        return count;
    }

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private ReadOnlyMemory<byte> Find(long position)
    {
        if (position >= _windowStart && position - _windowStart < _window.Length)
        {
            return _window[(int)(position - _windowStart)..];
        }
        foreach (var (start, bytes) in _fixed)
        {
            if (position >= start && position - start < bytes.Length)
            {
                return bytes[(int)(position - start)..];
            }
        }
        throw new UnreadableObjectException($"corrupt Parquet metadata: byte {position} lies outside the row group the footer describes");
    }
}
