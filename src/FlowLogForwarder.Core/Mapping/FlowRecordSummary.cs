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
        var status = Present(record, _logStatus) ? record.Raw(_logStatus) : default;
        if (status.SequenceEqual("NODATA"u8) || status.SequenceEqual("SKIPDATA"u8))
        {
            // These rows describe an interface, not a flow: their other columns are '-'.
            json.StringPart(status);
            if (Present(record, _interface))
            {
                json.Byte((byte)' ');
                json.StringPart(record.Raw(_interface));
            }
            json.Raw(status[0] == (byte)'N' ? " (no traffic)"u8 : " (records skipped)"u8);
        }
        else
        {
            WriteFlow(ref json, record);
        }
        json.Byte((byte)'"');
    }

    private void WriteFlow(ref JsonSpanWriter json, in FlowRecord record)
    {
        var start = json.Position;
        if (Present(record, _action))
        {
            json.StringPart(record.Raw(_action));
        }
        var hasProtocol = Present(record, _protocol);
        var protocol = hasProtocol ? record.Number(_protocol) : 0;
        if (hasProtocol)
        {
            Space(ref json, start);
            if (IanaProtocolNames.Get(protocol) is { } name)
            {
                json.Raw(name.AsSpan(1, name.Length - 2)); // the keyword without its JSON quotes; none needs escaping
            }
            else
            {
                json.Raw("proto-"u8);
                json.Number(protocol);
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
            Space(ref json, start);
            WriteEndpoint(ref json, record, src, srcPort);
            json.Raw(" -> "u8);
            WriteEndpoint(ref json, record, dst, dstPort);
        }

        var hasPackets = Present(record, _packets);
        var hasBytes = Present(record, _bytes);
        if (hasPackets || hasBytes)
        {
            Space(ref json, start);
            json.Byte((byte)'(');
            if (hasPackets)
            {
                var packets = record.Number(_packets);
                json.Number(packets);
                json.Raw(packets == 1 ? " packet"u8 : " packets"u8);
            }
            if (hasBytes)
            {
                if (hasPackets)
                {
                    json.Raw(", "u8);
                }
                var bytes = record.Number(_bytes);
                json.Number(bytes);
                json.Raw(bytes == 1 ? " byte"u8 : " bytes"u8);
            }
            json.Byte((byte)')');
        }
    }

    // address[:port]; an IPv6 address is bracketed when a port follows (RFC 5952, section 6); '-' for a missing address.
    private static void WriteEndpoint(ref JsonSpanWriter json, in FlowRecord record, int address, int port)
    {
        var text = address >= 0 ? record.Raw(address) : "-"u8;
        var bracket = port >= 0 && text.Contains((byte)':');
        if (bracket)
        {
            json.Byte((byte)'[');
        }
        json.StringPart(text);
        if (bracket)
        {
            json.Byte((byte)']');
        }
        if (port >= 0)
        {
            json.Byte((byte)':');
            json.Number(record.Number(port));
        }
    }

    private static void Space(ref JsonSpanWriter json, int start)
    {
        if (json.Position > start)
        {
            json.Byte((byte)' ');
        }
    }

    private static bool Present(in FlowRecord record, int column) => column >= 0 && !record.IsAbsent(column);
}
