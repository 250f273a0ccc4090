using System.Buffers;
using System.Text;
using FlowLogForwarder.Events;

namespace FlowLogForwarder.Reading;

/// <summary>
/// Hands the messages of a CloudWatch Logs delivery to the pipeline, one record each, numbered from 1 in the order of
/// the delivery; each carries its event's id. The messages are already in memory (one delivery is at most about a
/// megabyte), so they are encoded as UTF-8 once, into one pooled buffer, and handed out in place.
/// </summary>
public sealed class LogEventSource : IRecordSource
{
    private readonly IReadOnlyList<CloudWatchLogEvent> _events;
    private readonly int _maxLineBytes;
    private byte[] _text = [];
    private (int Start, int Length, int IdLength, bool TooLong)[] _lines = [];
    private int _next;
    private bool _read;

    /// <summary>A source of <paramref name="events"/>; a message over <paramref name="maxLineBytes"/> is counted as too long.</summary>
    public LogEventSource(IReadOnlyList<CloudWatchLogEvent> events, int maxLineBytes)
    {
        _events = events;
        _maxLineBytes = maxLineBytes;
    }

    /// <inheritdoc />
    public SourceEnd Ending { get; private set; }

    /// <summary>Always 0: a delivery has no bytes after its events.</summary>
    public long TrailingBytesIgnored => 0;

    /// <summary>The messages' bytes (the delivery arrived decoded).</summary>
    public long BytesIn => BytesText;

    /// <inheritdoc />
    public long BytesText { get; private set; }

    /// <inheritdoc />
    public bool LinesAreRecords => true; // a message is a record; one that reads like a header is a bad record, counted

    /// <inheritdoc />
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_read)
        {
            return ValueTask.FromResult(false);
        }
        _read = true;
        var size = 0L;
        foreach (var e in _events)
        {
            size += Encoding.UTF8.GetByteCount(e.Message) + Encoding.UTF8.GetByteCount(e.Id);
        }
        _text = ArrayPool<byte>.Shared.Rent((int)Math.Min(size, Array.MaxLength));
        _lines = new (int, int, int, bool)[_events.Count];
        var position = 0;
        for (var i = 0; i < _events.Count; i++)
        {
            var id = Encoding.UTF8.GetBytes(_events[i].Id, _text.AsSpan(position));
            var message = _events[i].Message.AsSpan().TrimEnd("\r\n");
            var length = Encoding.UTF8.GetBytes(message, _text.AsSpan(position + id));
            _lines[i] = (position, length, id, length > _maxLineBytes);
            position += id + length;
            BytesText += length;
        }
        Ending = SourceEnd.Complete;
        return ValueTask.FromResult(true);
    }

    /// <inheritdoc />
    public bool TryTake(out SourceLine line)
    {
        if (_next == _lines.Length)
        {
            line = default;
            return false;
        }
        var (start, length, idLength, tooLong) = _lines[_next++];
        var id = _text.AsSpan(start, idLength);
        line = tooLong
            ? new SourceLine(_next, default, tooLong: true, id)
            : new SourceLine(_next, _text.AsSpan(start + idLength, length), tooLong: false, id);
        return true;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_text.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_text);
            _text = [];
        }
        return ValueTask.CompletedTask;
    }
}
