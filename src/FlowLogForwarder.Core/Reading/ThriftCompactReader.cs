namespace FlowLogForwarder.Reading;

/// <summary>
/// Reads Thrift's compact protocol from a span, enough for Parquet's page headers: field headers, integers, booleans,
/// and skipping whatever else a writer put in (statistics, future fields). Every read is bounded by the span and every
/// nesting by <see cref="MaxDepth"/>, so a hostile header fails as corrupt instead of running away.
/// </summary>
internal ref struct ThriftCompactReader(ReadOnlySpan<byte> bytes)
{
    /// <summary>The deepest nesting of structs, lists and maps skipped; Parquet's page headers nest three deep.</summary>
    public const int MaxDepth = 16;

    /// <summary>Compact protocol type: a struct.</summary>
    public const byte Struct = 12;

    private readonly ReadOnlySpan<byte> _bytes = bytes;

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    /// <summary>Reads the next field header of the struct being read; false at the struct's end (its stop byte).</summary>
    public bool NextField(ref short lastId, out short id, out byte type)
    {
        var header = Byte();
        type = (byte)(header & 0x0F);
        if (type == 0)
        {
            id = 0;
            return false;
        }
        var delta = header >> 4;
        id = delta != 0 ? (short)(lastId + delta) : (short)ParquetBits.ZigZag(Varint());
        lastId = id;
        return true;
    }

    /// <summary>Reads an i32 field's value.</summary>
    public int Int32(byte type)
    {
        var value = type switch
        {
            3 => (sbyte)Byte(), // an i8 is one raw byte; i16 and i32 are zigzag varints
            4 or 5 => ParquetBits.ZigZag(Varint()),
            _ => throw Corrupt($"an integer field has type {type}"),
        };
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Corrupt($"an i32 field holds {value}");
    }

    /// <summary>Reads a bool field's value (carried in its type).</summary>
    public static bool Boolean(byte type) => type switch
    {
        1 => true,
        2 => false,
        _ => throw Corrupt($"a boolean field has type {type}"),
    };

    /// <summary>Skips a value of <paramref name="type"/>.</summary>
    public void Skip(byte type, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw Corrupt($"values nested more than {MaxDepth} deep");
        }
        switch (type)
        {
            case 1 or 2:
                break;
            case 3:
                Byte();
                break;
            case 4 or 5 or 6:
                Varint();
                break;
            case 7:
                Advance(8);
                break;
            case 8:
                Advance(Length());
                break;
            case 9 or 10:
                var header = Byte();
                var size = header >> 4 == 15 ? Length() : header >> 4;
                SkipElements(size, (byte)(header & 0x0F), depth);
                break;
            case 11:
                var entries = Length();
                if (entries > 0)
                {
                    var kinds = Byte();
                    SkipElements(entries, (byte)(kinds >> 4), depth);
                    SkipElements(entries, (byte)(kinds & 0x0F), depth); // bounded either way: each element takes a byte at least
                }
                break;
            case Struct:
                short last = 0;
                while (NextField(ref last, out _, out var fieldType))
                {
                    Skip(fieldType, depth + 1);
                }
                break;
            default:
                throw Corrupt($"unknown Thrift type {type}");
        }
    }

    private void SkipElements(int count, byte type, int depth)
    {
        if (count > _bytes.Length - Position && type != 0)
        {
            throw Corrupt($"a list of {count} elements in {_bytes.Length - Position} bytes");
        }
        for (var i = 0; i < count; i++)
        {
            if (type is 1 or 2)
            {
                Byte(); // in a list a boolean is a byte of its own
            }
            else
            {
                Skip(type, depth + 1);
            }
        }
    }

    private int Length()
    {
        var length = Varint();
        return length <= (ulong)(_bytes.Length - Position) ? (int)length : throw Corrupt($"a length of {length} bytes past the end of the header");
    }

    private byte Byte() => Position < _bytes.Length ? _bytes[Position++] : throw Corrupt("it ends early");

    private void Advance(int count)
    {
        if (count > _bytes.Length - Position)
        {
            throw Corrupt("it ends early");
        }
        Position += count;
    }

    private ulong Varint()
    {
        var position = Position;
        var value = ParquetBits.ReadVarint(_bytes, ref position, "corrupt page header");
        Position = position;
        return value;
    }

    private static UnreadableObjectException Corrupt(string what) => new($"corrupt page header: {what}");
}
