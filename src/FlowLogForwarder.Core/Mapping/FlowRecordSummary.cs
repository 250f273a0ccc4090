using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Mapping;

/// <summary>
/// Writes a record's one-line summary straight into the JSON output, for <see cref="BodyMode.Summary"/>:
/// <c>ACTION protocol source -&gt; destination (N packets, N bytes)</c>, each part left out when the format lacks it or
/// its value is <c>-</c>; NODATA and SKIPDATA rows say so with their interface instead. The README gives every case.
/// </summary>
internal sealed class FlowRecordSummary
{
    /// <summary>The most the summary adds beyond the column values it copies (each at most once, JSON-escaped):
    /// separators, a protocol keyword or number, a NODATA/SKIPDATA remark.</summary>
    public const int MaxFixedBytes = 128;

    private int _action, _logStatus, _interface, _protocol, _srcAddr, _dstAddr, _pktSrcAddr, _pktDstAddr;
    private int _srcPort, _dstPort, _packets, _bytes;

    /// <summary>Finds the columns the summary reads in one object's layout.</summary>
    public void BeginObject(FlowLogHeader header)
    {
        _action = header.ColumnOf(FlowFieldAction.WarnOnReject);
        _logStatus = header.ColumnOf(FlowFieldAction.WarnOnSkipData);
        _protocol = header.ColumnOf(FlowFieldAction.ProtocolName);
        _srcAddr = header.ColumnOf(FlowFieldAction.SourceAddress);
        _dstAddr = header.ColumnOf(FlowFieldAction.DestinationAddress);
        _pktSrcAddr = header.ColumnOf(FlowFieldAction.PacketSourceAddress);
        _pktDstAddr = header.ColumnOf(FlowFieldAction.PacketDestinationAddress);
        // These fields carry no action of their own (their values are written as they are), so they are found by name.
        _interface = header.ColumnOf("interface-id");
        _srcPort = header.ColumnOf("srcport");
        _dstPort = header.ColumnOf("dstport");
        _packets = header.ColumnOf("packets");
        _bytes = header.ColumnOf("bytes");
    }

    /// <summary>Writes the summary of <paramref name="record"/> as a JSON string.</summary>
    public void Write(ref JsonSpanWriter json, in FlowRecord record)
    {
        json.Byte((byte)'"');
        WriteText(ref json, record);
        json.Byte((byte)'"');
    }

    /// <summary>Writes the summary of <paramref name="record"/> as text to <paramref name="output"/> (escaped as it requires).</summary>
    /// <typeparam name="TOutput">A JSON string or plain UTF-8.</typeparam>
    public void WriteText<TOutput>(ref TOutput output, in FlowRecord record)
        where TOutput : ITextOutput, allows ref struct
    {
        var status = Present(record, _logStatus) ? record.Raw(_logStatus) : default;
        if (status.SequenceEqual("NODATA"u8) || status.SequenceEqual("SKIPDATA"u8))
        {
            // These rows describe an interface, not a flow: their other columns are '-'.
            output.StringPart(status);
            if (Present(record, _interface))
            {
                output.Byte((byte)' ');
                output.StringPart(record.Raw(_interface));
            }
            output.Raw(status[0] == (byte)'N' ? " (no traffic)"u8 : " (records skipped)"u8);
        }
        else
        {
            WriteFlow(ref output, record);
        }
    }

    private void WriteFlow<TOutput>(ref TOutput output, in FlowRecord record)
        where TOutput : ITextOutput, allows ref struct
    {
        var start = output.Position;
        if (Present(record, _action))
        {
            output.StringPart(record.Raw(_action));
        }
        var hasProtocol = Present(record, _protocol);
        var protocol = hasProtocol ? record.Number(_protocol) : 0;
        if (hasProtocol)
        {
            Space(ref output, start);
            if (IanaProtocolNames.Get(protocol) is { } name)
            {
                output.Raw(name.AsSpan(1, name.Length - 2)); // the keyword without its JSON quotes; none needs escaping
            }
            else
            {
                output.Raw("proto-"u8);
                output.Number(protocol);
            }
        }

        // The same endpoints as source.address and destination.address: the packet's original addresses when the
        // format has them. An intermediate (NAT gateway, load balancer) stays in network.local.address only.
        var src = Present(record, _pktSrcAddr) ? _pktSrcAddr : Present(record, _srcAddr) ? _srcAddr : -1;
        var dst = Present(record, _pktDstAddr) ? _pktDstAddr : Present(record, _dstAddr) ? _dstAddr : -1;
        // AWS writes port 0 for protocols without ports (ICMP, GRE, ESP, ...): only port-carrying ones show them.
        var ports = !hasProtocol || protocol is 6 or 17 or 33 or 132 or 136; // tcp, udp, dccp, sctp, udplite
        var srcPort = ports && Present(record, _srcPort) ? _srcPort : -1;
        var dstPort = ports && Present(record, _dstPort) ? _dstPort : -1;
        if (src >= 0 || dst >= 0 || srcPort >= 0 || dstPort >= 0)
        {
            Space(ref output, start);
            WriteEndpoint(ref output, record, src, srcPort);
            output.Raw(" -> "u8);
            WriteEndpoint(ref output, record, dst, dstPort);
        }

        var hasPackets = Present(record, _packets);
        var hasBytes = Present(record, _bytes);
        if (hasPackets || hasBytes)
        {
            Space(ref output, start);
            output.Byte((byte)'(');
            if (hasPackets)
            {
                var packets = record.Number(_packets);
                output.Number(packets);
                output.Raw(packets == 1 ? " packet"u8 : " packets"u8);
            }
            if (hasBytes)
            {
                if (hasPackets)
                {
                    output.Raw(", "u8);
                }
                var bytes = record.Number(_bytes);
                output.Number(bytes);
                output.Raw(bytes == 1 ? " byte"u8 : " bytes"u8);
            }
            output.Byte((byte)')');
        }
    }

    // address[:port]; an IPv6 address is bracketed when a port follows (RFC 5952, section 6); '-' for a missing address.
    private static void WriteEndpoint<TOutput>(ref TOutput output, in FlowRecord record, int address, int port)
        where TOutput : ITextOutput, allows ref struct
    {
        var text = address >= 0 ? record.Raw(address) : "-"u8;
        var bracket = port >= 0 && text.Contains((byte)':');
        if (bracket)
        {
            output.Byte((byte)'[');
        }
        output.StringPart(text);
        if (bracket)
        {
            output.Byte((byte)']');
        }
        if (port >= 0)
        {
            output.Byte((byte)':');
            output.Number(record.Number(port));
        }
    }

    private static void Space<TOutput>(ref TOutput output, int start)
        where TOutput : ITextOutput, allows ref struct
    {
        if (output.Position > start)
        {
            output.Byte((byte)' ');
        }
    }

    private static bool Present(in FlowRecord record, int column) => column >= 0 && !record.IsAbsent(column);
}
