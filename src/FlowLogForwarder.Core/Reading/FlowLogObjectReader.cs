using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;

namespace FlowLogForwarder.Reading;

/// <summary>
/// Opens a flow log object for reading: gzip (one or more concatenated members) is decompressed as it streams,
/// anything else is read as plain text. A background task copies the text into a bounded pipe, so network reads and
/// decompression run on one core while the caller parses on the other; the pipe pauses the copy at
/// <see cref="ReadAheadBytes"/>, so memory stays flat whatever the object's size.
/// </summary>
public sealed class FlowLogObjectReader : IAsyncDisposable
{
    /// <summary>Most decompressed bytes held ahead of the parser.</summary>
    public const int ReadAheadBytes = 1024 * 1024;

    /// <summary>The pipe's segment size: lines that cross a segment boundary are the only ones copied.</summary>
    public const int SegmentBytes = 64 * 1024;

    private readonly CountingStream _raw;
    private readonly Stream _decoded;
    private readonly Pipe _pipe;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;

    private FlowLogObjectReader(CountingStream raw, Stream decoded, bool isGzip)
    {
        _raw = raw;
        _decoded = decoded;
        IsGzip = isGzip;
        _pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: ReadAheadBytes,
            resumeWriterThreshold: ReadAheadBytes / 2,
            minimumSegmentSize: SegmentBytes,
            useSynchronizationContext: false));
        _producer = Task.Run(ProduceAsync);
    }

    /// <summary>True when the object starts with the gzip magic bytes.</summary>
    public bool IsGzip { get; }

    /// <summary>The object's text. A fault of the source surfaces from its <c>ReadAsync</c>, after the text before it.</summary>
    public PipeReader Text => _pipe.Reader;

    /// <summary>Bytes read from the object as stored (compressed).</summary>
    public long StoredBytesRead => _raw.BytesRead;

    /// <summary>
    /// Once all <paramref name="textBytes"/> of text were read: how many bytes after the last gzip member were not gzip
    /// and were ignored (0 normally), or -1 when the object cannot be shown complete (a gzip object cut short).
    /// </summary>
    /// <param name="textBytes">The text's length.</param>
    /// <param name="textEndsWithNewline">Whether the text's last byte is '\n' (see the remarks on several members).</param>
    /// <param name="cancellationToken">Stops draining.</param>
    public Task<long> TrailingBytesAfterGzipAsync(long textBytes, bool textEndsWithNewline, CancellationToken cancellationToken) =>
        IsGzip ? CheckGzipEndAsync(textBytes, textEndsWithNewline, cancellationToken) : Task.FromResult(0L);

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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
        await _producer.ConfigureAwait(false);
        await _decoded.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ProduceAsync()
    {
        Exception? fault = null;
        try
        {
            await _decoded.CopyToAsync(_pipe.Writer, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed before the end of the object, or the reader stopped early.
        }
#pragma warning disable CA1031 // Any fault of the source is handed to the reader, which classifies it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            fault = ex;
        }
        await _pipe.Writer.CompleteAsync(fault).ConfigureAwait(false);
    }

    // The producer has finished when this runs, so the raw stream is the caller's to drain.
    // zlib checks every member trailer it reaches, but a stream cut short simply ends, so the last member's trailer is
    // found here by its ISIZE (the member's length mod 2^32): for a single-member object (what AWS writes) it equals
    // the text read. GZipStream stops quietly at bytes that do not start another member, leaving them unread, so the
    // trailer is searched for among the last bytes read and what follows is drained and counted. A truncated
    // object's bytes are arbitrary and match only with probability about (positions searched)/2^32.
    // Several members (rare: AWS writes one) cannot be checked so: the last member's size is not the text's. They are
    // taken as complete only when the last 4 bytes read as a size below the text's AND the text ends with '\n'. A
    // truncated single-member object passes both only with probability (text bytes / 2^32) × (1 / average line
    // length), and even then no cut-off line is sent: the cut fell on a line end.
    private async Task<long> CheckGzipEndAsync(long textBytes, bool textEndsWithNewline, CancellationToken cancellationToken)
    {
        var tail = _raw.Tail();
        var trailerEnd = FindTrailerEnd(tail, (uint)textBytes);
        if (trailerEnd < 0)
        {
            return textEndsWithNewline && tail.Length >= 8 && Isize(tail, tail.Length) < textBytes ? 0 : -1;
        }
        long ignored = tail.Length - trailerEnd;
        var scratch = ArrayPool<byte>.Shared.Rent(SegmentBytes);
        try
        {
            int read;
            while ((read = await _raw.ReadAsync(scratch, cancellationToken).ConfigureAwait(false)) > 0)
            {
                ignored += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
        return ignored;
    }

    private static int FindTrailerEnd(ReadOnlySpan<byte> tail, uint textSize)
    {
        for (var end = tail.Length; end >= 8; end--)
        {
            // Junk that starts with the gzip magic would have been read as another member, not ignored.
            if (Isize(tail, end) == textSize && (end == tail.Length || !tail[end..].StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b])))
            {
                return end;
            }
        }
        return -1;
    }

    private static uint Isize(ReadOnlySpan<byte> tail, int trailerEnd) => BinaryPrimitives.ReadUInt32LittleEndian(tail[(trailerEnd - 4)..]);
}
