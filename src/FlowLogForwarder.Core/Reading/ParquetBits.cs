namespace FlowLogForwarder.Reading;

/// <summary>
/// The primitives Parquet's encodings and its Thrift headers share: ULEB128 varints, zigzag integers, and values
/// bit-packed least significant bit first. Every read is bounded by the span it is given.
/// </summary>
internal static class ParquetBits
{
    /// <summary>Reads the varint at <paramref name="position"/>; a truncated or over-long one throws, its message
    /// prefixed by <paramref name="context"/>.</summary>
    public static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position, string context)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new UnreadableObjectException($"{context}: it ends early");
            }
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new UnreadableObjectException($"{context}: a varint longer than 10 bytes");
    }

    /// <summary>A zigzag-encoded integer's value.</summary>
    public static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>Reads <paramref name="width"/> bits (at most 64) from bit <paramref name="bit"/> of <paramref name="bytes"/>,
    /// least significant first, and moves past them; false when they run past the end.</summary>
    public static bool TryReadBits(ReadOnlySpan<byte> bytes, ref long bit, int width, out ulong value)
    {
        value = 0;
        for (var got = 0; got < width;)
        {
            var index = bit >> 3;
            if (index >= bytes.Length)
            {
                return false;
            }
            var shift = (int)(bit & 7);
            var take = Math.Min(8 - shift, width - got);
            value |= (ulong)((bytes[(int)index] >> shift) & ((1 << take) - 1)) << got;
            got += take;
            bit += take;
        }
        return true;
    }
}
