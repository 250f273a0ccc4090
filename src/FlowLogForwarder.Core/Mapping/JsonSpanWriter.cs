using System.Buffers;
using System.Buffers.Text;

namespace FlowLogForwarder.Mapping;

/// <summary>
/// Appends JSON tokens to a span sized by the caller for the worst case. Names arrive pre-encoded; string values are
/// escaped only when they hold a character JSON requires escaping (quote, backslash, control characters), which flow
/// log values almost never do, so the common case is one vectorized search and one copy.
/// </summary>
internal ref struct JsonSpanWriter(Span<byte> buffer) : ITextOutput
{
    /// <summary>A string value may grow six-fold when every byte is a control character (\u00XX).</summary>
    public const int MaxEscapeExpansion = 6;

    private static readonly SearchValues<byte> NeedsEscaping = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    private readonly Span<byte> _buffer = buffer;

    /// <summary>Bytes written.</summary>
    public int Position { get; private set; }

    /// <summary>Copies pre-encoded JSON.</summary>
    public void Raw(scoped ReadOnlySpan<byte> json)
    {
        json.CopyTo(_buffer[Position..]);
        Position += json.Length;
    }

    /// <summary>Writes one byte of JSON syntax.</summary>
    public void Byte(byte value) => _buffer[Position++] = value;

    /// <summary>Writes an unsigned integer.</summary>
    public void Number(ulong value)
    {
        Utf8Formatter.TryFormat(value, _buffer[Position..], out var written);
        Position += written;
    }

    /// <summary>Writes a quoted string from valid UTF-8, escaping what JSON requires.</summary>
    public void String(scoped ReadOnlySpan<byte> utf8)
    {
        _buffer[Position++] = (byte)'"';
        StringPart(utf8);
        _buffer[Position++] = (byte)'"';
    }

    /// <summary>Writes part of a string value whose quotes the caller writes (a value composed of several pieces),
    /// escaping what JSON requires.</summary>
    public void StringPart(scoped ReadOnlySpan<byte> utf8)
    {
        var first = utf8.IndexOfAny(NeedsEscaping);
        if (first < 0)
        {
            utf8.CopyTo(_buffer[Position..]);
            Position += utf8.Length;
        }
        else
        {
            WriteEscaped(utf8, first);
        }
    }

    private void WriteEscaped(scoped ReadOnlySpan<byte> utf8, int first)
    {
        utf8[..first].CopyTo(_buffer[Position..]);
        Position += first;
        for (var i = first; i < utf8.Length; i++)
        {
            var b = utf8[i];
            switch (b)
            {
                case (byte)'"':
                    Raw("\\\""u8);
                    break;
                case (byte)'\\':
                    Raw("\\\\"u8);
                    break;
                case (byte)'\n':
                    Raw("\\n"u8);
                    break;
                case (byte)'\r':
                    Raw("\\r"u8);
                    break;
                case (byte)'\t':
                    Raw("\\t"u8);
                    break;
                case < 0x20:
                    Raw("\\u00"u8);
                    Byte(Hex(b >> 4));
                    Byte(Hex(b & 0xF));
                    break;
                default:
                    Byte(b);
                    break;
            }
        }
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
