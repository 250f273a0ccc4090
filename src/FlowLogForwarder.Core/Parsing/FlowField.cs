namespace FlowLogForwarder.Parsing;

/// <summary>One row of the field table (<see cref="FlowFields"/>): what a flow log field holds and where its value goes.</summary>
/// <param name="Name">The name AWS writes in a text header, such as <c>pkt-srcaddr</c>.</param>
/// <param name="Kind">How the value is validated and written.</param>
/// <param name="Attribute">The OpenTelemetry attribute name; null when <paramref name="Action"/> places the value elsewhere.</param>
/// <param name="Action">What the mapping does beyond writing the value under its name.</param>
public sealed record FlowField(string Name, FlowValueKind Kind, string? Attribute, FlowFieldAction Action = FlowFieldAction.None)
{
    /// <summary>False for a field newer than this forwarder: it passes through as a string under its own name.</summary>
    public bool IsKnown { get; private init; } = true;

    /// <summary>True when the value is an integer, written as a JSON number.</summary>
    public bool IsNumber => Kind != FlowValueKind.Text;

    // The collector drops fields it does not know; this forwarder keeps them, named in the collector's style.
    internal static FlowField PassThrough(string headerName) =>
        new(headerName, FlowValueKind.Text, "aws.vpc.flow." + headerName.Replace('-', '_')) { IsKnown = false };
}

/// <summary>The type of a field's value, as AWS's Parquet schema gives it.</summary>
/// <remarks>Text lines carry every integer as unsigned decimal, and both integer kinds are read as 64-bit there, so no
/// line is refused for a value its Parquet column could not hold; the distinction is the Parquet physical type.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name",
    Justification = "Int32 and Int64 are Parquet's physical type names, which is what they say here.")]
public enum FlowValueKind : byte
{
    /// <summary>Free text (Parquet STRING), written as a JSON string.</summary>
    Text,
    /// <summary>An integer Parquet stores as INT32 (ports, protocol, flags), written as a JSON number.</summary>
    Int32,
    /// <summary>An integer Parquet stores as INT64 (packets, bytes, times), written as a JSON number.</summary>
    Int64,
}

/// <summary>What the mapping does with a field beyond writing its value under its name.</summary>
/// <remarks>Timestamp, severity and resources apply with either attribute naming; the others only to OpenTelemetry
/// names (AWS naming writes every value as it is).</remarks>
public enum FlowFieldAction : byte
{
    /// <summary>The value as it is.</summary>
    None,
    /// <summary>Lower-cased (<c>IPv4</c> becomes <c>ipv4</c>), as <c>network.type</c> wants.</summary>
    LowerCase,
    /// <summary><c>ingress</c>/<c>egress</c> become <c>receive</c>/<c>transmit</c>; other values stay as they are.</summary>
    Direction,
    /// <summary>The number, and <c>network.protocol.name</c> with its IANA keyword when there is one.</summary>
    ProtocolName,
    /// <summary>One side of the source pair: with <see cref="PacketSourceAddress"/> it makes <c>source.address</c>
    /// and, when they differ, <c>network.local.address</c>.</summary>
    SourceAddress,
    /// <summary>The original source of the packet; wins <c>source.address</c> over <see cref="SourceAddress"/>.</summary>
    PacketSourceAddress,
    /// <summary>One side of the destination pair, as <see cref="SourceAddress"/>.</summary>
    DestinationAddress,
    /// <summary>The original destination of the packet, as <see cref="PacketSourceAddress"/>.</summary>
    PacketDestinationAddress,
    /// <summary>The record's timestamp (seconds to nanoseconds).</summary>
    EndTime,
    /// <summary>An attribute, and the record's timestamp when <see cref="EndTime"/> is absent.</summary>
    StartTime,
    /// <summary>The record is a warning when the value is <c>REJECT</c>.</summary>
    WarnOnReject,
    /// <summary>The record is a warning when the value is <c>SKIPDATA</c>.</summary>
    WarnOnSkipData,
    /// <summary>The resource <c>cloud.account.id</c>; the object key's account when absent.</summary>
    AccountResource,
    /// <summary>The resource <c>cloud.region</c>; the object key's region when absent.</summary>
    RegionResource,
}
