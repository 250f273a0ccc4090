using System.Buffers.Text;

namespace FlowLogForwarder.Parsing;

/// <summary>
/// Splits a flow log line into the columns of its header and validates numeric fields, without allocating.
/// One instance per object and thread: it reuses its column tables for every line.
/// </summary>
public sealed class FlowRecordParser
{
    private readonly FlowFieldKind[] _kinds;
    private readonly int[] _starts;
    private readonly int[] _lengths;
    private readonly ulong[] _numbers;

    /// <summary>Creates a parser for lines laid out as <paramref name="header"/> says.</summary>
    public FlowRecordParser(FlowLogHeader header)
    {
        Header = header;
        var count = header.ColumnCount;
        _kinds = new FlowFieldKind[count];
        for (var i = 0; i < count; i++)
        {
            _kinds[i] = FlowFieldCatalog.KindOf(header.Fields[i]);
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
        var count = _kinds.Length;
        var column = 0;
        var position = 0;
        while (position < line.Length)
        {
            if (line[position] == (byte)' ')
            {
                position++;
                continue;
            }
            var length = line[position..].IndexOf((byte)' ');
            if (length < 0)
            {
                length = line.Length - position;
            }
            if (column == count)
            {
                return LineFault.FieldCount;
            }
            _starts[column] = position;
            _lengths[column] = length;
            if (_kinds[column] == FlowFieldKind.Number && !TryParseNumber(line.Slice(position, length), out _numbers[column]))
            {
                FaultColumn = column;
                return LineFault.BadNumber;
            }
            column++;
            position += length;
        }
        if (column != count)
        {
            return LineFault.FieldCount;
        }
        record = new FlowRecord(line, this);
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
        // Utf8Parser accepts only digits for the 'D' format, so no sign, no fraction, no exponent.
        return Utf8Parser.TryParse(value, out number, out var consumed) && consumed == value.Length;
    }
}
