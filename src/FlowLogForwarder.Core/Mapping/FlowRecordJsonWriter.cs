using System.Text.Encodings.Web;
using System.Text.Json;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Mapping;

/// <summary>
/// Maps one parsed flow record to one SigNoz log record and writes it as a JSON object. Everything that does not
/// change between records (attribute names, the resources block) is encoded once per object, so each record costs
/// only its values: no allocation, no per-property bookkeeping.
/// </summary>
public sealed class FlowRecordJsonWriter : ILogRecordWriter
{

    private static readonly byte[] SeverityInfo = "\"severity_text\":\"INFO\",\"severity_number\":9"u8.ToArray();
    private static readonly byte[] SeverityWarn = "\"severity_text\":\"WARN\",\"severity_number\":13"u8.ToArray();
    private static readonly byte[] BodyKey = ",\"body\":"u8.ToArray();
    private static readonly byte[] AttributesStart = ",\"attributes\":{"u8.ToArray();
    private static readonly byte[] ResourcesStart = "},\"resources\":"u8.ToArray();
    private static readonly byte[] SourceAddress = Name("source.address");
    private static readonly byte[] DestinationAddress = Name("destination.address");
    private static readonly byte[] LocalAddress = Name("network.local.address");
    private static readonly byte[] ProtocolName = Name("network.protocol.name");
    private static readonly byte[] NetworkType = Name("network.type");
    private static readonly byte[] RecordId = Name("log.record.uid");
    private static readonly JsonWriterOptions ResourceWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly AttributeNaming _naming;
    private readonly string _serviceName;
    private readonly BodyMode _body;
    private readonly FlowRecordSummary _summary = new();
    private ColumnPlan[] _plan = [];
    private FlowLogSource _source = new(null, "", null, null);
    private int _fixedBytes;
    private SpecialColumns _columns;

    // The resources block is the same for every record unless the format carries account-id or region; then it is
    // rebuilt only when those values change (in practice: once per object).
    private readonly RecordResource _resources;

    /// <summary>Creates a writer that names attributes per <paramref name="naming"/>, sets <c>service.name</c> and
    /// writes the <c>body</c> per <paramref name="body"/>.</summary>
    public FlowRecordJsonWriter(AttributeNaming naming, string serviceName, BodyMode body = BodyMode.Line)
    {
        _naming = naming;
        _serviceName = serviceName;
        _resources = new RecordResource(BuildResources);
        _body = body;
    }

    /// <inheritdoc />
    public BatchFraming Framing => BatchFraming.JsonArray;

    /// <summary>Always null: every JSON record carries its resources.</summary>
    public byte[]? Resource => null;

    /// <summary>Prepares for the records of one object: its layout and where it came from.</summary>
    public void BeginObject(FlowLogHeader header, FlowLogSource source)
    {
        _source = source;
        _columns = SpecialColumns.Of(header);
        _plan = new ColumnPlan[header.ColumnCount];
        _summary.BeginObject(header);
        _fixedBytes = 256 + FlowRecordSummary.MaxFixedBytes + SourceAddress.Length + DestinationAddress.Length + LocalAddress.Length + ProtocolName.Length + 32
            + NetworkType.Length + RecordId.Length + 16;
        for (var i = 0; i < _plan.Length; i++)
        {
            _plan[i] = ColumnPlan.For(header.Fields[i], header.Names[i], _naming, Name);
            _fixedBytes += (_plan[i].Key?.Length ?? 0) + 1;
        }
        _resources.Begin();
    }

    /// <summary>Appends <paramref name="record"/> as one JSON object; returns a fault instead when its time cannot be expressed.</summary>
    public LineFault Write(PooledBufferWriter output, in FlowRecord record)
    {
        if (!_columns.TryGetTimestamp(record, out var timestampNs, out var hasTimestamp))
        {
            return LineFault.TimestampOutOfRange;
        }
        var resources = _resources.For(record, _columns);
        // Worst case: the line escaped six-fold twice (body and attribute values), plus names and resources. A summary
        // copies each column it shows at most once, so it fits in the line's share plus its fixed text.
        var bound = (2 * JsonSpanWriter.MaxEscapeExpansion * record.Line.Length) + (JsonSpanWriter.MaxEscapeExpansion * record.Id.Length) + _fixedBytes + resources.Length;
        var json = new JsonSpanWriter(output.GetSpan(bound));

        json.Raw(hasTimestamp ? "{\"timestamp\":"u8 : "{"u8);
        if (hasTimestamp)
        {
            json.Number(timestampNs);
            json.Byte((byte)',');
        }
        var warn = Is(record, _columns.Action, "REJECT"u8) || Is(record, _columns.LogStatus, "SKIPDATA"u8);
        json.Raw(warn ? SeverityWarn : SeverityInfo);
        switch (_body)
        {
            case BodyMode.Line:
                json.Raw(BodyKey);
                json.String(record.Line);
                break;
            case BodyMode.Summary:
                json.Raw(BodyKey);
                _summary.Write(ref json, record);
                break;
            case BodyMode.None:
                break; // SigNoz's JSON receiver treats a missing body as an empty one
        }

        json.Raw(AttributesStart);
        var first = true;
        var plan = _plan;
        for (var column = 0; column < plan.Length; column++)
        {
            if (plan[column].Action != ColumnAction.None && !record.IsAbsent(column))
            {
                WriteColumn(ref json, ref first, record, column, plan[column]);
            }
        }
        if (_naming == AttributeNaming.OpenTelemetry)
        {
            var localWritten = WriteEndpoint(ref json, ref first, record, _columns.SourceAddress, _columns.PacketSourceAddress, SourceAddress, writeLocal: true);
            WriteEndpoint(ref json, ref first, record, _columns.DestinationAddress, _columns.PacketDestinationAddress, DestinationAddress, writeLocal: !localWritten);
            WriteText(ref json, ref first, NetworkType, _columns.DerivedNetworkType(record));
        }
        WriteText(ref json, ref first, RecordId, record.Id);
        json.Raw(ResourcesStart);
        json.Raw(resources);
        json.Byte((byte)'}');
        output.Advance(json.Position);
        return LineFault.None;
    }

    private static bool Is(in FlowRecord record, int column, ReadOnlySpan<byte> value) =>
        column >= 0 && record.Raw(column).SequenceEqual(value);

    private static void Separator(ref JsonSpanWriter json, ref bool first)
    {
        if (!first)
        {
            json.Byte((byte)',');
        }
        first = false;
    }

    // An attribute that is not a column of its own (a derived value, the record's id); nothing when empty.
    private static void WriteText(ref JsonSpanWriter json, ref bool first, byte[] key, scoped ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty)
        {
            Separator(ref json, ref first);
            json.Raw(key);
            json.String(value);
        }
    }

    private static void WriteColumn(ref JsonSpanWriter json, ref bool first, in FlowRecord record, int column, in ColumnPlan plan)
    {
        Separator(ref json, ref first);
        json.Raw(plan.Key);
        switch (plan.Action)
        {
            case ColumnAction.Text:
                json.String(record.Raw(column));
                break;
            case ColumnAction.Number:
                json.Number(record.Number(column));
                break;
            case ColumnAction.LowerText:
                WriteLower(ref json, record.Raw(column));
                break;
            case ColumnAction.Protocol:
                var number = record.Number(column);
                json.Number(number);
                if (IanaProtocolNames.Get(number) is { } name)
                {
                    json.Byte((byte)',');
                    json.Raw(ProtocolName);
                    json.Raw(name);
                }
                break;
            case ColumnAction.Direction:
                var raw = record.Raw(column);
                json.String(raw.SequenceEqual("ingress"u8) ? "receive"u8 : raw.SequenceEqual("egress"u8) ? "transmit"u8 : raw);
                break;
        }
    }

    private static void WriteLower(ref JsonSpanWriter json, ReadOnlySpan<byte> value)
    {
        const int MaxStack = 64;
        if (value.Length > MaxStack)
        {
            json.String(value);
            return;
        }
        Span<byte> lower = stackalloc byte[value.Length];
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }
        json.String(lower);
    }

    // Follows the collector's rule: pkt-*addr is the original endpoint; a differing srcaddr/dstaddr is the
    // intermediate (NAT gateway, load balancer) and becomes network.local.address. Keys are never repeated.
    private static bool WriteEndpoint(ref JsonSpanWriter json, ref bool first, in FlowRecord record, int addr, int pktAddr, byte[] key, bool writeLocal)
    {
        var hasAddr = addr >= 0 && !record.IsAbsent(addr);
        var hasPkt = pktAddr >= 0 && !record.IsAbsent(pktAddr);
        if (!hasPkt && !hasAddr)
        {
            return false;
        }
        Separator(ref json, ref first);
        json.Raw(key);
        json.String(record.Raw(hasPkt ? pktAddr : addr));
        if (hasPkt && hasAddr && writeLocal && !record.Raw(addr).SequenceEqual(record.Raw(pktAddr)))
        {
            json.Byte((byte)',');
            json.Raw(LocalAddress);
            json.String(record.Raw(addr));
            return true;
        }
        return false;
    }

    private byte[] BuildResources(string? recordAccount, string? recordRegion)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ResourceWriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in ResourceAttributes.Of(_source, _serviceName, recordAccount, recordRegion))
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static byte[] Name(string name)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ResourceWriterOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(name);
            writer.Flush();
        }
        // {"name":  -> drop the opening brace; what remains is "name": ready to copy.
        return buffer.ToArray()[1..];
    }
}
