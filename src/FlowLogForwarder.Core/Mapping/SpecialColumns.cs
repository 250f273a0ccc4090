using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Mapping;

/// <summary>
/// Where the columns a record writer treats specially stand in one object's header (-1 when absent), found once per
/// object from the field table's actions, and the timestamp rule both writers share.
/// </summary>
internal readonly record struct SpecialColumns(int SourceAddress, int DestinationAddress, int PacketSourceAddress, int PacketDestinationAddress,
    int End, int Start, int Action, int LogStatus, int Account, int Region, int Type)
{
    private const ulong NanosecondsPerSecond = 1_000_000_000;

    /// <summary>The special columns of <paramref name="header"/>.</summary>
    public static SpecialColumns Of(FlowLogHeader header) => new(
        header.ColumnOf(FlowFieldAction.SourceAddress),
        header.ColumnOf(FlowFieldAction.DestinationAddress),
        header.ColumnOf(FlowFieldAction.PacketSourceAddress),
        header.ColumnOf(FlowFieldAction.PacketDestinationAddress),
        header.ColumnOf(FlowFieldAction.EndTime),
        header.ColumnOf(FlowFieldAction.StartTime),
        header.ColumnOf(FlowFieldAction.WarnOnReject),
        header.ColumnOf(FlowFieldAction.WarnOnSkipData),
        header.ColumnOf(FlowFieldAction.AccountResource),
        header.ColumnOf(FlowFieldAction.RegionResource),
        header.ColumnOf(FlowFieldAction.LowerCase));

    /// <summary>
    /// <c>network.type</c> for a format without a <c>type</c> column (AWS's default has none): <c>ipv6</c> when the
    /// source address (else the destination) has a ':', <c>ipv4</c> when it has a '.', as Elastic's VPC flow log pipeline
    /// derives it. Empty when the format has the column or the record no address.
    /// </summary>
    public ReadOnlySpan<byte> DerivedNetworkType(in FlowRecord record)
    {
        if (Type >= 0)
        {
            return default;
        }
        foreach (var column in (ReadOnlySpan<int>)[PacketSourceAddress, SourceAddress, PacketDestinationAddress, DestinationAddress])
        {
            if (column >= 0 && !record.IsAbsent(column))
            {
                var address = record.Raw(column);
                return address.Contains((byte)':') ? "ipv6"u8 : address.Contains((byte)'.') ? "ipv4"u8 : default;
            }
        }
        return default;
    }

    /// <summary>
    /// The record's time in nanoseconds: its end, else its start. False when it is beyond a signed 64-bit integer
    /// (SigNoz and OTLP both read it as one: a larger value would be stored as garbage). <paramref name="present"/> is
    /// false when the record has neither, and the receiver stamps it.
    /// </summary>
    public bool TryGetTimestamp(in FlowRecord record, out ulong nanoseconds, out bool present)
    {
        nanoseconds = 0;
        var column = End >= 0 && !record.IsAbsent(End) ? End
            : Start >= 0 && !record.IsAbsent(Start) ? Start
            : -1;
        present = column >= 0;
        if (!present)
        {
            return true;
        }
        var seconds = record.Number(column);
        if (seconds > long.MaxValue / NanosecondsPerSecond)
        {
            return false;
        }
        nanoseconds = seconds * NanosecondsPerSecond;
        return true;
    }
}
