using System.Buffers.Binary;

namespace FlowLogForwarder.Mapping;

/// <summary>
/// Protocol Buffers wire primitives over a span the caller sized for the worst case. Hand-written rather than
/// Google.Protobuf's: its writers take UTF-16 strings or <c>ByteString</c>s (an allocation per value) and its span-based
/// context cannot be started on a caller's span, while flow log values are already UTF-8 slices of the line.
/// </summary>
internal ref struct ProtoWire(Span<byte> buffer)
{
    /// <summary>Wire type of varint fields.</summary>
    public const int VarintType = 0;

    /// <summary>Wire type of fixed64 fields.</summary>
    public const int Fixed64 = 1;

    /// <summary>Wire type of length-delimited fields (strings, bytes, messages).</summary>
    public const int LengthDelimited = 2;

    /// <summary>The most bytes a varint takes.</summary>
    public const int MaxVarintBytes = 10;

    private readonly Span<byte> _buffer = buffer;

    /// <summary>Bytes written.</summary>
    public int Position { get; set; }

    /// <summary>The tag byte of a field numbered below 16.</summary>
    public static byte Tag(int field, int wireType) => (byte)((field << 3) | wireType);

    /// <summary>Bytes a varint of <paramref name="value"/> takes.</summary>
    public static int VarintSize(ulong value) => ((63 - System.Numerics.BitOperations.LeadingZeroCount(value | 1)) / 7) + 1;

    /// <summary>Copies pre-encoded bytes.</summary>
    public void Raw(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[Position..]);
        Position += bytes.Length;
    }

    /// <summary>Writes one byte (a tag).</summary>
    public void Byte(byte value) => _buffer[Position++] = value;

    /// <summary>Writes a base-128 varint.</summary>
    public void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[Position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[Position++] = (byte)value;
    }

    /// <summary>Writes a little-endian 64-bit value.</summary>
    public void Fixed(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer[Position..], value);
        Position += 8;
    }

    /// <summary>Writes a length-delimited field: tag, length, bytes.</summary>
    public void Bytes(byte tag, scoped ReadOnlySpan<byte> bytes)
    {
        Byte(tag);
        Varint((ulong)bytes.Length);
        Raw(bytes);
    }

    /// <summary>Writes to <paramref name="destination"/> the tag and length of a field whose content is
    /// <paramref name="length"/> bytes; returns the bytes written.</summary>
    public static int Header(Span<byte> destination, byte tag, int length)
    {
        var wire = new ProtoWire(destination);
        wire.Byte(tag);
        wire.Varint((ulong)length);
        return wire.Position;
    }
}
