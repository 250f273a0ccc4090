using System.Buffers;
using System.IO.Compression;
using System.Net;

namespace FlowLogForwarder.Delivery;

/// <summary>
/// A request body as it goes on the wire: the batch itself (after a small head, for OTLP), or a compressed copy in
/// pooled 64 KiB chunks (so memory follows the compressed size, and no batch-sized array is ever rented for it).
/// </summary>
public sealed class EncodedBody : IDisposable
{
    /// <summary>The gzip level (zlib-ng's 1 to 9), chosen by <c>CompressionBenchmarks</c> (README, "Performance"): level 1
    /// sends 52% more bytes; each byte out of AWS costs far more than the 2 µs of CPU a record's compression costs.</summary>
    public const int GzipLevel = 5;

    /// <summary>The zstd level, likewise chosen by measurement: level 1 is the smallest and fastest of levels 1 to 3.</summary>
    public const int ZstdLevel = 1;

    private static readonly ZLibCompressionOptions GzipOptions = new() { CompressionLevel = GzipLevel };

    private readonly ReadOnlyMemory<byte> _head;
    private readonly ReadOnlyMemory<byte> _plain;
    private readonly ChunkStream? _compressed;

    private EncodedBody(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> plain, ChunkStream? compressed, string? contentEncoding)
    {
        _head = head;
        _plain = plain;
        _compressed = compressed;
        ContentEncoding = contentEncoding;
    }

    /// <summary>Bytes on the wire.</summary>
    public long Length => _compressed?.Length ?? _head.Length + _plain.Length;

    /// <summary>The <c>Content-Encoding</c> header's value, or null for plain JSON.</summary>
    public string? ContentEncoding { get; }

    /// <summary>Encodes <paramref name="json"/> as asked; <see cref="BodyCompression.Auto"/> must be resolved by the caller.</summary>
    public static EncodedBody Encode(ReadOnlyMemory<byte> json, BodyCompression compression) => Encode(default, json, compression);

    /// <summary>Encodes <paramref name="head"/> followed by <paramref name="body"/> as one body, without joining them.</summary>
    public static EncodedBody Encode(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> body, BodyCompression compression)
    {
        if (compression == BodyCompression.None)
        {
            return new EncodedBody(head, body, null, null);
        }
        var chunks = new ChunkStream();
        try
        {
            Stream compressor = compression switch
            {
                BodyCompression.Gzip => new GZipStream(chunks, GzipOptions, leaveOpen: true),
                BodyCompression.Zstd => new ZstdSharp.CompressionStream(chunks, ZstdLevel, leaveOpen: true),
                _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Auto is resolved by the client."),
            };
            using (compressor)
            {
                compressor.Write(head.Span);
                compressor.Write(body.Span);
            }
            return new EncodedBody(default, default, chunks, compression == BodyCompression.Gzip ? "gzip" : "zstd");
        }
        catch
        {
            chunks.Dispose();
            throw;
        }
    }

    /// <summary>A new request content over the body (one per attempt; the body outlives them).</summary>
    public HttpContent CreateContent() => _compressed is { } chunks ? new ChunkContent(chunks)
        : _head.IsEmpty ? new ReadOnlyMemoryContent(_plain)
        : new HeadedContent(_head, _plain);

    /// <summary>The bytes as sent, copied out (for tests and tools).</summary>
    public byte[] ToArray()
    {
        if (_compressed is null)
        {
            return [.. _head.Span, .. _plain.Span];
        }
        using var copy = new MemoryStream();
        _compressed.WriteTo(copy);
        return copy.ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _compressed?.Dispose();

    // A write-once stream of pooled chunks that can be read back any number of times.
    private sealed class ChunkStream : Stream
    {
        private const int ChunkBytes = 64 * 1024;
        private readonly List<byte[]> _chunks = [];
        private int _lastUsed = ChunkBytes;
        private bool _disposed;

        public override long Length => _chunks.Count == 0 ? 0 : ((long)(_chunks.Count - 1) * ChunkBytes) + _lastUsed;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Position { get => Length; set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                if (_lastUsed == ChunkBytes)
                {
                    _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkBytes));
                    _lastUsed = 0;
                }
                var count = Math.Min(buffer.Length, ChunkBytes - _lastUsed);
                buffer[..count].CopyTo(_chunks[^1].AsSpan(_lastUsed));
                _lastUsed += count;
                buffer = buffer[count..];
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public void WriteTo(Stream destination)
        {
            for (var i = 0; i < _chunks.Count; i++)
            {
                destination.Write(_chunks[i], 0, i == _chunks.Count - 1 ? _lastUsed : ChunkBytes);
            }
        }

        public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
        {
            for (var i = 0; i < _chunks.Count; i++)
            {
                await destination.WriteAsync(_chunks[i].AsMemory(0, i == _chunks.Count - 1 ? _lastUsed : ChunkBytes), cancellationToken).ConfigureAwait(false);
            }
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                foreach (var chunk in _chunks)
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }
                _chunks.Clear();
            }
            base.Dispose(disposing);
        }
    }

    private sealed class HeadedContent(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(head, cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = head.Length + body.Length;
            return true;
        }
    }

    private sealed class ChunkContent(ChunkStream chunks) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            chunks.WriteToAsync(stream, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            chunks.WriteToAsync(stream, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = chunks.Length;
            return true;
        }
    }
}
