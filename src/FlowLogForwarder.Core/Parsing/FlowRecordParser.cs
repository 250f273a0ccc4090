using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FlowLogForwarder.Parsing;

/// <summary>
/// Splits a flow log line into the columns of its header and validates numeric fields, without allocating.
/// One instance per object and thread: it reuses its column tables for every line.
/// </summary>
public sealed class FlowRecordParser
{
    private readonly bool[] _isNumber;
    private readonly int[] _starts;
    private readonly int[] _lengths;
    private readonly ulong[] _numbers;

    /// <summary>Creates a parser for lines laid out as <paramref name="header"/> says.</summary>
    public FlowRecordParser(FlowLogHeader header)
    {
        Header = header;
        var count = header.ColumnCount;
        _isNumber = new bool[count];
        for (var i = 0; i < count; i++)
        {
            _isNumber[i] = header.Fields[i].IsNumber;
        }
        _starts = new int[count];
        _lengths = new int[count];
        _numbers = new ulong[count];
    }

    /// <summary>The layout this parser applies.</summary>
    public FlowLogHeader Header { get; }

    /// <summary>The column that failed in the last <see cref="Parse"/>, or -1.</summary>
    public int FaultColumn { get; private set; } = -1;

    /// <summary>
    /// Parses one line (no line terminator). On success <paramref name="record"/> views the line's fields;
    /// otherwise the result says what is wrong and <see cref="FaultColumn"/> where.
    /// </summary>
    public LineFault Parse(ReadOnlySpan<byte> line, out FlowRecord record)
    {
        record = default;
        FaultColumn = -1;
        var column = 0;
        var tokenStart = 0;
        var i = 0;
        // Find the separators 32 bytes at a time: a compare and a bit mask instead of a call per field.
        if (Vector256.IsHardwareAccelerated && line.Length >= Vector256<byte>.Count)
        {
            var space = Vector256.Create((byte)' ');
            ref var origin = ref MemoryMarshal.GetReference(line);
            for (; i <= line.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var mask = Vector256.Equals(Vector256.LoadUnsafe(ref origin, (nuint)i), space).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    var separator = i + BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    if (separator > tokenStart)
                    {
                        var fault = Take(line, tokenStart, separator - tokenStart, ref column);
                        if (fault != LineFault.None)
                        {
                            return fault;
                        }
                    }
                    tokenStart = separator + 1;
                }
            }
        }
        for (; i < line.Length; i++)
        {
            if (line[i] == (byte)' ')
            {
                if (i > tokenStart)
                {
                    var fault = Take(line, tokenStart, i - tokenStart, ref column);
                    if (fault != LineFault.None)
                    {
                        return fault;
                    }
                }
                tokenStart = i + 1;
            }
        }
        if (line.Length > tokenStart)
        {
            var fault = Take(line, tokenStart, line.Length - tokenStart, ref column);
            if (fault != LineFault.None)
            {
                return fault;
            }
        }
        if (column != _isNumber.Length)
        {
            return LineFault.FieldCount;
        }
        record = new FlowRecord(line, this);
        return LineFault.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private LineFault Take(ReadOnlySpan<byte> line, int start, int length, ref int column)
    {
        if (column == _isNumber.Length)
        {
            return LineFault.FieldCount;
        }
        _starts[column] = start;
        _lengths[column] = length;
        if (_isNumber[column] && !TryParseNumber(line.Slice(start, length), out _numbers[column]))
        {
            FaultColumn = column;
            return LineFault.BadNumber;
        }
        column++;
        return LineFault.None;
    }

    internal ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> line, int column) => line.Slice(_starts[column], _lengths[column]);

    internal ulong Number(int column) => _numbers[column];

    private static bool TryParseNumber(ReadOnlySpan<byte> value, out ulong number)
    {
        number = 0;
        if (value.Length == 1 && value[0] == (byte)'-')
        {
            return true; // "not applicable": the writer omits it
        }
        if (value.Length is 0 or > MaxDigitsWithoutOverflow)
        {
            // 20 digits may or may not fit in 64 bits; Utf8Parser checks (digits only: no sign, fraction or exponent).
            return value.Length == MaxDigitsWithoutOverflow + 1
                && Utf8Parser.TryParse(value, out number, out var consumed) && consumed == value.Length;
        }
        ulong result = 0;
        foreach (var b in value)
        {
            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }
            result = (result * 10) + digit;
        }
        number = result;
        return true;
    }

    // Any 19-digit number is below 2^64 (about 1.8e19).
    private const int MaxDigitsWithoutOverflow = 19;
}
