namespace FlowLogForwarder.Parsing;

/// <summary>A view of one parsed flow log line: its columns, as laid out by the object's header.</summary>
public readonly ref struct FlowRecord
{
    private readonly FlowRecordParser _parser;

    internal FlowRecord(ReadOnlySpan<byte> line, FlowRecordParser parser, ReadOnlySpan<byte> id = default)
    {
        Line = line;
        _parser = parser;
        Id = id;
    }

    /// <summary>The identifier its origin gave the record (a CloudWatch Logs event's id), or empty.</summary>
    public ReadOnlySpan<byte> Id { get; }

    /// <summary>This record, identified by <paramref name="id"/>.</summary>
    public FlowRecord WithId(ReadOnlySpan<byte> id) => new(Line, _parser, id);

    /// <summary>The original line, without its terminator.</summary>
    public ReadOnlySpan<byte> Line { get; }

    /// <summary>The layout of this record's object.</summary>
    public FlowLogHeader Header => _parser.Header;

    /// <summary>The raw text of a column.</summary>
    public ReadOnlySpan<byte> Raw(int column) => _parser.Slice(Line, column);

    /// <summary>True when the column holds <c>-</c>, AWS's "not applicable".</summary>
    public bool IsAbsent(int column)
    {
        var raw = Raw(column);
        return raw.Length == 1 && raw[0] == (byte)'-';
    }

    /// <summary>The value of a numeric column (validated by the parser).</summary>
    public ulong Number(int column) => _parser.Number(column);

    /// <summary>The raw text of the field AWS names <paramref name="name"/>, or false when the format lacks it or the value is <c>-</c>.</summary>
    public bool TryGet(string name, out ReadOnlySpan<byte> value)
    {
        var column = Header.ColumnOf(name);
        if (column < 0 || IsAbsent(column))
        {
            value = default;
            return false;
        }
        value = Raw(column);
        return true;
    }

    /// <summary>The value of the numeric field AWS names <paramref name="name"/>, or false when the format lacks it or the value is <c>-</c>.</summary>
    public bool TryGetNumber(string name, out ulong value)
    {
        var column = Header.ColumnOf(name);
        if (column < 0 || IsAbsent(column))
        {
            value = 0;
            return false;
        }
        value = Number(column);
        return true;
    }
}
