using System.Buffers;

namespace FlowLogForwarder.Reading;

/// <summary>
/// Frames a flow log object's text into lines straight from the read-ahead pipe. A line inside one pipe segment is
/// handed out in place; only a line that crosses a segment boundary is copied (into a scratch buffer of
/// <c>maxLineBytes</c>). A line longer than that is counted and discarded without being buffered.
/// </summary>
public sealed class TextLineSource : IRecordSource
{
    private readonly FlowLogObjectReader _reader;
    private readonly int _maxLineBytes;
    private readonly byte[] _scratch;
    private ReadOnlySequence<byte> _buffer;
    private ReadOnlySequence<byte>.Enumerator _segments;
    private ReadOnlyMemory<byte> _segment;
    private int _offset;
    private int _carried; // bytes of a partial line already copied into _scratch
    private bool _discarding;
    private bool _holdingBuffer;
    private bool _completed;
    private bool _finished;
    private long _line;
    private long _textBytes;
    private bool _endsWithNewline;

    private TextLineSource(FlowLogObjectReader reader, int maxLineBytes)
    {
        _reader = reader;
        _maxLineBytes = maxLineBytes;
        _scratch = ArrayPool<byte>.Shared.Rent(maxLineBytes);
    }

    /// <inheritdoc />
    public SourceEnd Ending { get; private set; }

    /// <inheritdoc />
    public long TrailingBytesIgnored { get; private set; }

    /// <inheritdoc />
    public long BytesIn => _reader.StoredBytesRead;

    /// <inheritdoc />
    public long BytesText => _textBytes;

    /// <summary>Opens <paramref name="source"/> (gzip or plain text), which the line source disposes.</summary>
    public static async Task<TextLineSource> OpenAsync(Stream source, int maxLineBytes, CancellationToken cancellationToken) =>
        new(await FlowLogObjectReader.OpenAsync(source, cancellationToken).ConfigureAwait(false), maxLineBytes);

    /// <inheritdoc />
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        if (_holdingBuffer)
        {
            // Every byte was taken (a partial line is carried in the scratch buffer), so all of it goes back.
            _reader.Text.AdvanceTo(_buffer.End);
            _holdingBuffer = false;
        }
        if (_completed)
        {
            return false;
        }
        var result = await _reader.Text.ReadAsync(cancellationToken).ConfigureAwait(false);
        _buffer = result.Buffer;
        _holdingBuffer = true;
        _textBytes += _buffer.Length;
        if (!_buffer.IsEmpty)
        {
            _endsWithNewline = _buffer.Slice(_buffer.Length - 1).FirstSpan[0] == (byte)'\n';
        }
        _segments = _buffer.GetEnumerator();
        _segment = ReadOnlyMemory<byte>.Empty;
        _offset = 0;
        if (result.IsCompleted)
        {
            _completed = true;
            TrailingBytesIgnored = await _reader.TrailingBytesAfterGzipAsync(_textBytes, _endsWithNewline, cancellationToken).ConfigureAwait(false);
            Ending = TrailingBytesIgnored < 0 ? SourceEnd.Truncated : SourceEnd.Complete;
            TrailingBytesIgnored = Math.Max(0, TrailingBytesIgnored);
        }
        return true;
    }

    /// <inheritdoc />
    public bool TryTake(out SourceLine line)
    {
        while (true)
        {
            if (_offset == _segment.Length)
            {
                if (_segments.MoveNext())
                {
                    _segment = _segments.Current;
                    _offset = 0;
                    continue;
                }
                return TryTakeLastLine(out line);
            }
            var rest = _segment.Span[_offset..];
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _offset = _segment.Length;
                if (_discarding)
                {
                    continue;
                }
                if (_carried + rest.Length > _maxLineBytes)
                {
                    // No line end within the limit: count the line now and skip to the next '\n' without buffering.
                    _discarding = true;
                    _carried = 0;
                    line = new SourceLine(++_line, default, tooLong: true);
                    return true;
                }
                rest.CopyTo(_scratch.AsSpan(_carried));
                _carried += rest.Length;
                continue;
            }
            var piece = rest[..newline];
            _offset += newline + 1;
            if (_discarding)
            {
                _discarding = false; // the rest of an over-long line, already counted
                continue;
            }
            var length = _carried + piece.Length;
            if (length > _maxLineBytes)
            {
                _carried = 0;
                line = new SourceLine(++_line, default, tooLong: true);
                return true;
            }
            if (_carried == 0)
            {
                line = new SourceLine(++_line, piece, tooLong: false);
                return true;
            }
            piece.CopyTo(_scratch.AsSpan(_carried));
            _carried = 0;
            line = new SourceLine(++_line, _scratch.AsSpan(0, length), tooLong: false);
            return true;
        }
    }

    // The last line of an object need not end with '\n'; a truncated object's partial last line was cut off, not written.
    private bool TryTakeLastLine(out SourceLine line)
    {
        if (_completed && !_finished)
        {
            _finished = true;
            var length = _carried;
            _carried = 0;
            if (length > 0 && !_discarding && Ending == SourceEnd.Complete)
            {
                line = new SourceLine(++_line, _scratch.AsSpan(0, length), tooLong: false);
                return true;
            }
        }
        line = default;
        return false;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        ArrayPool<byte>.Shared.Return(_scratch);
    }
}
