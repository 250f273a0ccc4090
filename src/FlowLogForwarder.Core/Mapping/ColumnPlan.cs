using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Mapping;

/// <summary>How a record writer writes one column as an attribute.</summary>
internal enum ColumnAction : byte
{
    /// <summary>Not written as an attribute (written elsewhere: addresses as a pair, end as the time, account and region as resources).</summary>
    None,
    Text,
    Number,
    LowerText,
    Protocol,
    Direction,
}

/// <summary>
/// One column's plan, built once per header from the field table: what to do with its value and the attribute key,
/// already encoded in the writer's own format (a JSON property name, or a protobuf KeyValue key), so both record
/// writers read the table the same way.
/// </summary>
internal readonly record struct ColumnPlan(ColumnAction Action, byte[]? Key)
{
    /// <summary>The plan of column <paramref name="field"/> (named <paramref name="headerName"/> in the object's header).</summary>
    public static ColumnPlan For(FlowField field, string headerName, AttributeNaming naming, Func<string, byte[]> encodeKey)
    {
        if (naming == AttributeNaming.Aws)
        {
            return new(field.IsNumber ? ColumnAction.Number : ColumnAction.Text, encodeKey(headerName));
        }
        if (field.Attribute is null)
        {
            return new(ColumnAction.None, null);
        }
        var action = field.Action switch
        {
            FlowFieldAction.LowerCase => ColumnAction.LowerText,
            FlowFieldAction.Direction => ColumnAction.Direction,
            FlowFieldAction.ProtocolName => ColumnAction.Protocol,
            _ => field.IsNumber ? ColumnAction.Number : ColumnAction.Text,
        };
        return new(action, encodeKey(field.Attribute));
    }
}
