using System.IO.Compression;

namespace FlowLogForwarder.Reading;

/// <summary>
/// Opens a flow log object for reading: gzip (one or more concatenated members) is decompressed as it streams,
/// anything else is read as plain text. Nothing is buffered beyond the caller's read buffer.
/// </summary>
public sealed class FlowLogObjectReader : IAsyncDisposable
{
    private readonly CountingStream _raw;
    private readonly Stream _decoded;

    private FlowLogObjectReader(CountingStream raw, Stream decoded, bool isGzip)
    {
        _raw = raw;
        _decoded = decoded;
        IsGzip = isGzip;
    }

    /// <summary>True when the object starts with the gzip magic bytes.</summary>
    public bool IsGzip { get; }

    /// <summary>Bytes read from the object as stored (compressed).</summary>
    public long StoredBytesRead => _raw.BytesRead;

    /// <summary>Bytes of text produced so far.</summary>
    public long TextBytesRead { get; private set; }

    /// <summary>Sniffs the first bytes of <paramref name="source"/> and wraps it; the source is disposed with the reader.</summary>
    public static async Task<FlowLogObjectReader> OpenAsync(Stream source, CancellationToken cancellationToken)
    {
        var prefix = new byte[2];
        var length = 0;
        while (length < prefix.Length)
        {
            var read = await source.ReadAsync(prefix.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            length += read;
        }
        var raw = new CountingStream(source, prefix, length);
        var isGzip = length == 2 && prefix[0] == 0x1f && prefix[1] == 0x8b;
        Stream decoded = isGzip ? new GZipStream(raw, CompressionMode.Decompress, leaveOpen: false) : raw;
        return new FlowLogObjectReader(raw, decoded, isGzip);
    }

    /// <summary>Reads text bytes; 0 at the end of the object.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await _decoded.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        TextBytesRead += read;
        return read;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _decoded.DisposeAsync();
}
