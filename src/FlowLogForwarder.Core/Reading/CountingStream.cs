namespace FlowLogForwarder.Reading;

/// <summary>A read-only pass-through that counts the bytes read and can replay a prefix already read for sniffing.</summary>
internal sealed class CountingStream(Stream inner, byte[] prefix, int prefixLength) : Stream
{
    private int _prefixPosition;
    private readonly byte[] _tail = new byte[TailBytes]; // a ring: the newest byte is just before _tailNext
    private int _tailNext;
    private bool _tailFull;

    /// <summary>How many of the last bytes read are kept: more than GZipStream reads at once (8 KiB), so the last
    /// member's trailer is among them when decompression stops, even with junk behind it.</summary>
    public const int TailBytes = 32 * 1024;

    /// <summary>Bytes read from the inner stream, the sniffed prefix included.</summary>
    public long BytesRead { get; private set; } = prefixLength;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (TryReadPrefix(buffer, out var copied))
        {
            return copied;
        }
        var read = inner.Read(buffer);
        Track(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TryReadPrefix(buffer.Span, out var copied))
        {
            return copied;
        }
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Track(buffer.Span[..read]);
        return read;
    }

    public override void Flush() { }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>A copy of the last (up to <see cref="TailBytes"/>) bytes read, oldest first.</summary>
    public byte[] Tail()
    {
        if (!_tailFull)
        {
            return _tail[.._tailNext];
        }
        return [.. _tail.AsSpan(_tailNext), .. _tail.AsSpan(0, _tailNext)];
    }

    private void Track(ReadOnlySpan<byte> read)
    {
        BytesRead += read.Length;
        if (read.Length >= _tail.Length)
        {
            read[^_tail.Length..].CopyTo(_tail);
            _tailNext = 0;
            _tailFull = true;
            return;
        }
        var first = Math.Min(read.Length, _tail.Length - _tailNext);
        read[..first].CopyTo(_tail.AsSpan(_tailNext));
        read[first..].CopyTo(_tail);
        _tailNext += read.Length;
        if (_tailNext >= _tail.Length)
        {
            _tailNext -= _tail.Length;
            _tailFull = true;
        }
    }

    private bool TryReadPrefix(Span<byte> buffer, out int copied)
    {
        copied = Math.Min(prefixLength - _prefixPosition, buffer.Length);
        if (copied <= 0)
        {
            return false;
        }
        prefix.AsSpan(_prefixPosition, copied).CopyTo(buffer);
        _prefixPosition += copied;
        return true;
    }
}
