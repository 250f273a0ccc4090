using System.Buffers.Text;

namespace FlowLogForwarder.Mapping;

/// <summary>Appends plain UTF-8 text to a span sized by the caller for the worst case (nothing is escaped).</summary>
internal ref struct Utf8SpanWriter(Span<byte> buffer) : ITextOutput
{
    private readonly Span<byte> _buffer = buffer;

    /// <inheritdoc />
    public int Position { get; private set; }

    /// <inheritdoc />
    public void Raw(scoped ReadOnlySpan<byte> text)
    {
        text.CopyTo(_buffer[Position..]);
        Position += text.Length;
    }

    /// <inheritdoc />
    public void Byte(byte value) => _buffer[Position++] = value;

    /// <inheritdoc />
    public void Number(ulong value)
    {
        Utf8Formatter.TryFormat(value, _buffer[Position..], out var written);
        Position += written;
    }

    /// <inheritdoc />
    public void StringPart(scoped ReadOnlySpan<byte> utf8) => Raw(utf8);
}
