using System.Text;

namespace FlowLogForwarder.Parsing;

/// <summary>The field layout of one flow log object, read once from its first line.</summary>
public sealed class FlowLogHeader
{
    /// <summary>AWS's default format (version 2), the header of every flow log created without a custom format.</summary>
    public const string DefaultFormat = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

    /// <summary>More columns than any flow log format defines; a longer header is not a flow log header.</summary>
    public const int MaxColumns = 128;

    private const int MaxNameLength = 64;

    private readonly int[] _columnOfAction;

    private FlowLogHeader(FlowField[] fields, string[] names)
    {
        Fields = fields;
        Names = names;
        _columnOfAction = new int[Enum.GetValues<FlowFieldAction>().Length];
        Array.Fill(_columnOfAction, -1);
        for (var i = 0; i < fields.Length; i++)
        {
            _columnOfAction[(int)fields[i].Action] = i;
        }
    }

    /// <summary>The field table's row for each column; a pass-through row for fields newer than this version.</summary>
    public IReadOnlyList<FlowField> Fields { get; }

    /// <summary>The header's own name for each column.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of columns every record must have.</summary>
    public int ColumnCount => Fields.Count;

    /// <summary>The column of the field that carries <paramref name="action"/>, or -1 when the format has none.</summary>
    /// <remarks>Meaningful for the actions one field carries (all but <see cref="FlowFieldAction.None"/>).</remarks>
    public int ColumnOf(FlowFieldAction action) => _columnOfAction[(int)action];

    /// <summary>The column holding the field AWS names <paramref name="name"/> (either spelling), or -1 when the format lacks it.</summary>
    public int ColumnOf(string name)
    {
        var field = FlowFields.Lookup(name);
        for (var i = Fields.Count - 1; i >= 0; i--)
        {
            if (Fields[i].Name == field.Name)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Parses a header line such as <c>version account-id interface-id srcaddr ...</c>.</summary>
    public static FlowLogHeader Parse(string line) =>
        TryParse(Encoding.UTF8.GetBytes(line), out var header, out var error)
            ? header
            : throw new FormatException(error);

    /// <summary>Parses a header line; on failure <paramref name="error"/> says why it is not a flow log header.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FlowLogHeader? header, out string error)
    {
        header = null;
        var fields = new List<FlowField>();
        var names = new List<string>();
        var knownCount = 0;
        foreach (var range in line.Split((byte)' '))
        {
            var token = line[range].TrimEnd((byte)'\r');
            if (token.IsEmpty)
            {
                continue;
            }
            if (!IsFieldName(token))
            {
                error = $"not a flow log header: column {fields.Count + 1} is not a field name";
                return false;
            }
            if (fields.Count == MaxColumns)
            {
                error = $"not a flow log header: more than {MaxColumns} columns";
                return false;
            }
            var name = Encoding.ASCII.GetString(token);
            if (names.Contains(name, StringComparer.Ordinal))
            {
                error = $"not a flow log header: field '{name}' appears twice";
                return false;
            }
            var field = FlowFields.Lookup(name);
            if (field.IsKnown)
            {
                knownCount++;
            }
            fields.Add(field);
            names.Add(name);
        }

        if (fields.Count == 0)
        {
            error = "not a flow log header: the first line is empty";
            return false;
        }
        if (knownCount == 0)
        {
            error = "not a flow log header: none of its columns is a known flow log field";
            return false;
        }

        header = new FlowLogHeader([.. fields], [.. names]);
        error = string.Empty;
        return true;
    }

    private static bool IsFieldName(ReadOnlySpan<byte> token)
    {
        if (token.Length > MaxNameLength || token[0] is < (byte)'a' or > (byte)'z')
        {
            return false;
        }
        foreach (var b in token)
        {
            if (b is not ((>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_'))
            {
                return false;
            }
        }
        return true;
    }
}
