using System.Buffers;
using System.IO.Compression;

namespace FlowLogForwarder.Delivery;

/// <summary>A request body as it goes on the wire: the JSON itself, or a compressed copy of it in a pooled buffer.</summary>
public sealed class EncodedBody : IDisposable
{
    /// <summary>The gzip level: zlib-ng's fastest, measured as the best bytes-per-CPU for flow log JSON (see the README).</summary>
    public const CompressionLevel GzipLevel = CompressionLevel.Fastest;

    /// <summary>The zstd level, likewise chosen by measurement.</summary>
    public const int ZstdLevel = 1;

    private byte[]? _rented;

    private EncodedBody(ReadOnlyMemory<byte> bytes, byte[]? rented, string? contentEncoding)
    {
        Bytes = bytes;
        _rented = rented;
        ContentEncoding = contentEncoding;
    }

    /// <summary>The bytes to send.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The <c>Content-Encoding</c> header's value, or null for plain JSON.</summary>
    public string? ContentEncoding { get; }

    /// <summary>Encodes <paramref name="json"/> as asked; <see cref="BodyCompression.Auto"/> must be resolved by the caller.</summary>
    public static EncodedBody Encode(ReadOnlyMemory<byte> json, BodyCompression compression) => compression switch
    {
        BodyCompression.None => new EncodedBody(json, null, null),
        BodyCompression.Gzip => Gzip(json.Span),
        BodyCompression.Zstd => Zstd(json.Span),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Auto is resolved by the client."),
    };

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static EncodedBody Gzip(ReadOnlySpan<byte> json)
    {
        // Deflate's worst case (stored blocks) adds 5 bytes per 16 KiB block, plus gzip's 18-byte frame.
        var rented = ArrayPool<byte>.Shared.Rent(json.Length + (json.Length >> 10) + 1024);
        using var output = new MemoryStream(rented, writable: true);
        using (var gzip = new GZipStream(output, GzipLevel, leaveOpen: true))
        {
            gzip.Write(json);
        }
        return new EncodedBody(rented.AsMemory(0, (int)output.Position), rented, "gzip");
    }

    private static EncodedBody Zstd(ReadOnlySpan<byte> json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(ZstdSharp.Compressor.GetCompressBound(json.Length));
        using var compressor = new ZstdSharp.Compressor(ZstdLevel);
        var length = compressor.Wrap(json, rented);
        return new EncodedBody(rented.AsMemory(0, length), rented, "zstd");
    }
}
