using System.Text;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Mapping;

/// <summary>
/// Maps one parsed flow record to one OTLP <c>LogRecord</c>, written as a complete <c>ScopeLogs.log_records</c> field
/// (tag, length, message) so a batch is these fields concatenated and any run of them is a valid slice. The mapping is
/// the JSON writer's, driven by the same field table: typed attributes (integers as <c>int_value</c>), <c>end</c> as
/// <c>time_unix_nano</c>, the same severity, the body per <see cref="BodyMode"/>. <c>observed_time_unix_nano</c> is when
/// the forwarder began reading the object, one value for all its records (a clock read per record would be 8 bytes
/// that no compressor can remove). The resource is encoded once per object
/// (<see cref="Resource"/>) and sent once per request. Attribute keys are encoded once per object; a record costs only
/// its values, with no allocation.
/// </summary>
public sealed class OtlpLogRecordWriter : ILogRecordWriter
{
    private const ulong NanosecondsPerSecond = 1_000_000_000;

    // Room before the record for its tag and length: written once its length is known, the record moved up to meet it.
    private const int HeaderRoom = 1 + 5;

    // Field tags (opentelemetry/proto/logs/v1/logs.proto, common/v1/common.proto).
    private static readonly byte LogRecordsTag = ProtoWire.Tag(2, ProtoWire.LengthDelimited); // ScopeLogs.log_records
    private static readonly byte TimeTag = ProtoWire.Tag(1, ProtoWire.Fixed64);               // LogRecord.time_unix_nano
    private static readonly byte BodyTag = ProtoWire.Tag(5, ProtoWire.LengthDelimited);       // LogRecord.body
    private static readonly byte AttributeTag = ProtoWire.Tag(6, ProtoWire.LengthDelimited);  // LogRecord.attributes
    private static readonly byte ObservedTag = ProtoWire.Tag(11, ProtoWire.Fixed64);          // LogRecord.observed_time_unix_nano
    private static readonly byte ValueTag = ProtoWire.Tag(2, ProtoWire.LengthDelimited);      // KeyValue.value
    private static readonly byte StringTag = ProtoWire.Tag(1, ProtoWire.LengthDelimited);     // AnyValue.string_value
    private static readonly byte IntTag = ProtoWire.Tag(3, ProtoWire.VarintType);                 // AnyValue.int_value

    // severity_number (2) and severity_text (3), as the JSON mapping: INFO 9, WARN 13.
    private static readonly byte[] SeverityInfo = [ProtoWire.Tag(2, ProtoWire.VarintType), 9, ProtoWire.Tag(3, ProtoWire.LengthDelimited), 4, .. "INFO"u8];
    private static readonly byte[] SeverityWarn = [ProtoWire.Tag(2, ProtoWire.VarintType), 13, ProtoWire.Tag(3, ProtoWire.LengthDelimited), 4, .. "WARN"u8];

    private static readonly byte[] SourceAddress = Key("source.address");
    private static readonly byte[] DestinationAddress = Key("destination.address");
    private static readonly byte[] LocalAddress = Key("network.local.address");
    private static readonly byte[] ProtocolName = Key("network.protocol.name");
    private static readonly byte[] NetworkType = Key("network.type");
    private static readonly byte[] RecordId = Key("log.record.uid");

    // Room for a summary body's tags and lengths ahead of its text: the text is written first, then moved down.
    private const int BodyHeaderRoom = 1 + 5 + 1 + 5;

    private readonly AttributeNaming _naming;
    private readonly string _serviceName;
    private readonly TimeProvider _time;
    private readonly BodyMode _body;
    private readonly FlowRecordSummary _summary = new();
    private ulong _observedNs;
    private ColumnPlan[] _plan = [];
    private FlowLogSource _source = new(null, "", null, null);
    private int _fixedBytes;
    private SpecialColumns _columns;
    private readonly RecordResource _resource;

    /// <summary>Creates a writer that names attributes per <paramref name="naming"/>, sets <c>service.name</c>, stamps
    /// <c>observed_time_unix_nano</c> from <paramref name="time"/>, and writes bodies per <paramref name="body"/>.</summary>
    public OtlpLogRecordWriter(AttributeNaming naming, string serviceName, TimeProvider time, BodyMode body = BodyMode.Line)
    {
        _naming = naming;
        _serviceName = serviceName;
        _resource = new RecordResource(BuildResource);
        _time = time;
        _body = body;
    }

    /// <inheritdoc />
    public BatchFraming Framing => BatchFraming.Concatenated;

    /// <summary>The <c>Resource</c> message of the records written last; a new array whenever it changes.</summary>
    public byte[]? Resource => _resource.Current;

    /// <inheritdoc />
    public void BeginObject(FlowLogHeader header, FlowLogSource source)
    {
        _source = source;
        _columns = SpecialColumns.Of(header);
        _summary.BeginObject(header);
        _observedNs = (ulong)((_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * (long)(NanosecondsPerSecond / TimeSpan.TicksPerSecond));
        _plan = new ColumnPlan[header.ColumnCount];
        // Per attribute beyond its key and value: tags and lengths (at most 3 + 3 × 5 bytes); the protocol name, the
        // endpoints, the times and the severity on top.
        _fixedBytes = HeaderRoom + 64 + (6 * 32) + BodyHeaderRoom + FlowRecordSummary.MaxFixedBytes + SourceAddress.Length + DestinationAddress.Length
            + LocalAddress.Length + ProtocolName.Length + NetworkType.Length + RecordId.Length;
        for (var i = 0; i < _plan.Length; i++)
        {
            _plan[i] = ColumnPlan.For(header.Fields[i], header.Names[i], _naming, Key);
            _fixedBytes += (_plan[i].Key?.Length ?? 0) + 32;
        }
        _resource.Begin();
    }

    /// <inheritdoc />
    public LineFault Write(PooledBufferWriter output, in FlowRecord record)
    {
        if (!_columns.TryGetTimestamp(record, out var timestampNs, out var hasTimestamp))
        {
            return LineFault.TimestampOutOfRange;
        }
        _resource.For(record, _columns); // Resource, read by the batch writer, follows the record
        // Worst case: the body (at most the line, or a summary of its values and fixed words), the values (together at
        // most the line, twice with the addresses repeated as endpoints), the record's id, plus keys, tags and lengths.
        var span = output.GetSpan((3 * record.Line.Length) + record.Id.Length + _fixedBytes);
        var proto = new ProtoWire(span) { Position = HeaderRoom };

        if (hasTimestamp)
        {
            proto.Byte(TimeTag);
            proto.Fixed(timestampNs);
        }
        var warn = Is(record, _columns.Action, "REJECT"u8) || Is(record, _columns.LogStatus, "SKIPDATA"u8);
        proto.Raw(warn ? SeverityWarn : SeverityInfo);
        WriteBody(ref proto, span, record);

        var plan = _plan;
        for (var column = 0; column < plan.Length; column++)
        {
            if (plan[column].Action != ColumnAction.None && !record.IsAbsent(column))
            {
                WriteColumn(ref proto, record, column, plan[column]);
            }
        }
        if (_naming == AttributeNaming.OpenTelemetry)
        {
            var localWritten = WriteEndpoint(ref proto, record, _columns.SourceAddress, _columns.PacketSourceAddress, SourceAddress, writeLocal: true);
            WriteEndpoint(ref proto, record, _columns.DestinationAddress, _columns.PacketDestinationAddress, DestinationAddress, writeLocal: !localWritten);
            if (_columns.DerivedNetworkType(record) is { IsEmpty: false } type)
            {
                StringAttribute(ref proto, NetworkType, type);
            }
        }
        if (!record.Id.IsEmpty)
        {
            StringAttribute(ref proto, RecordId, record.Id);
        }
        proto.Byte(ObservedTag);
        proto.Fixed(_observedNs);

        var length = proto.Position - HeaderRoom;
        var header = ProtoWire.Header(span, LogRecordsTag, length);
        span.Slice(HeaderRoom, length).CopyTo(span[header..]);
        output.Advance(header + length);
        return LineFault.None;
    }

    // LogRecord.body as an AnyValue string: the line, the summary (composed past the body's header room, then moved
    // down once its length is known), or no body field at all.
    private void WriteBody(ref ProtoWire proto, Span<byte> span, in FlowRecord record)
    {
        ReadOnlySpan<byte> text;
        switch (_body)
        {
            case BodyMode.Line:
                text = record.Line;
                break;
            case BodyMode.Summary:
                var summary = new Utf8SpanWriter(span[(proto.Position + BodyHeaderRoom)..]);
                _summary.WriteText(ref summary, record);
                text = span.Slice(proto.Position + BodyHeaderRoom, summary.Position);
                break;
            default:
                return;
        }
        proto.Byte(BodyTag);
        proto.Varint((ulong)StringValueSize(text.Length));
        proto.Byte(StringTag);
        proto.Varint((ulong)text.Length);
        proto.Raw(text); // a copy down within the same span when the text is a summary: CopyTo handles the overlap
    }

    private static bool Is(in FlowRecord record, int column, ReadOnlySpan<byte> value) =>
        column >= 0 && record.Raw(column).SequenceEqual(value);

    private static int StringValueSize(int length) => 1 + ProtoWire.VarintSize((ulong)length) + length;

    private static void StringAttribute(ref ProtoWire proto, byte[] key, scoped ReadOnlySpan<byte> value)
    {
        var any = StringValueSize(value.Length);
        proto.Byte(AttributeTag);
        proto.Varint((ulong)(key.Length + 1 + ProtoWire.VarintSize((ulong)any) + any));
        proto.Raw(key);
        proto.Byte(ValueTag);
        proto.Varint((ulong)any);
        proto.Bytes(StringTag, value);
    }

    private static void IntAttribute(ref ProtoWire proto, byte[] key, ulong value)
    {
        var any = 1 + ProtoWire.VarintSize(value);
        proto.Byte(AttributeTag);
        proto.Varint((ulong)(key.Length + 1 + 1 + any));
        proto.Raw(key);
        proto.Byte(ValueTag);
        proto.Byte((byte)any);
        proto.Byte(IntTag);
        proto.Varint(value);
    }

    private static void WriteColumn(ref ProtoWire proto, in FlowRecord record, int column, in ColumnPlan plan)
    {
        switch (plan.Action)
        {
            case ColumnAction.Text:
                StringAttribute(ref proto, plan.Key!, record.Raw(column));
                break;
            case ColumnAction.Number:
                WriteNumber(ref proto, plan.Key!, record, column);
                break;
            case ColumnAction.LowerText:
                WriteLower(ref proto, plan.Key!, record.Raw(column));
                break;
            case ColumnAction.Protocol:
                WriteNumber(ref proto, plan.Key!, record, column);
                if (IanaProtocolNames.Get(record.Number(column)) is { } name)
                {
                    StringAttribute(ref proto, ProtocolName, name.AsSpan(1, name.Length - 2)); // the names are quoted JSON
                }
                break;
            case ColumnAction.Direction:
                var raw = record.Raw(column);
                StringAttribute(ref proto, plan.Key!, raw.SequenceEqual("ingress"u8) ? "receive"u8 : raw.SequenceEqual("egress"u8) ? "transmit"u8 : raw);
                break;
        }
    }

    // int_value is signed 64-bit: a larger value (which the JSON path sends as a number SigNoz cannot hold exactly)
    // goes as its decimal text, so no value is changed.
    private static void WriteNumber(ref ProtoWire proto, byte[] key, in FlowRecord record, int column)
    {
        var value = record.Number(column);
        if (value > long.MaxValue)
        {
            StringAttribute(ref proto, key, record.Raw(column));
        }
        else
        {
            IntAttribute(ref proto, key, value);
        }
    }

    private static void WriteLower(ref ProtoWire proto, byte[] key, ReadOnlySpan<byte> value)
    {
        const int MaxStack = 64;
        if (value.Length > MaxStack)
        {
            StringAttribute(ref proto, key, value);
            return;
        }
        Span<byte> lower = stackalloc byte[value.Length];
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }
        StringAttribute(ref proto, key, lower);
    }

    // The collector's rule, as the JSON writer: pkt-*addr is the original endpoint; a differing srcaddr/dstaddr is the
    // intermediate and becomes network.local.address. Keys are never repeated.
    private static bool WriteEndpoint(ref ProtoWire proto, in FlowRecord record, int addr, int pktAddr, byte[] key, bool writeLocal)
    {
        var hasAddr = addr >= 0 && !record.IsAbsent(addr);
        var hasPkt = pktAddr >= 0 && !record.IsAbsent(pktAddr);
        if (!hasPkt && !hasAddr)
        {
            return false;
        }
        StringAttribute(ref proto, key, record.Raw(hasPkt ? pktAddr : addr));
        if (hasPkt && hasAddr && writeLocal && !record.Raw(addr).SequenceEqual(record.Raw(pktAddr)))
        {
            StringAttribute(ref proto, LocalAddress, record.Raw(addr));
            return true;
        }
        return false;
    }

    // The Resource message: its attributes (field 1), each a string KeyValue.
    private byte[] BuildResource(string? recordAccount, string? recordRegion)
    {
        var attributes = ResourceAttributes.Of(_source, _serviceName, recordAccount, recordRegion).ToList();
        var buffer = new byte[attributes.Sum(a => 32 + (3 * (Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value))))];
        var proto = new ProtoWire(buffer);
        foreach (var (key, value) in attributes)
        {
            // Resource.attributes is field 1, where LogRecord.attributes is field 6: same KeyValue, other tag.
            var start = proto.Position;
            StringAttribute(ref proto, Key(key), Encoding.UTF8.GetBytes(value));
            buffer[start] = ProtoWire.Tag(1, ProtoWire.LengthDelimited);
        }
        return buffer[..proto.Position];
    }

    // KeyValue.key (field 1) with its tag and length: the part of an attribute that never changes.
    private static byte[] Key(string name)
    {
        var utf8 = Encoding.UTF8.GetBytes(name);
        var key = new byte[1 + ProtoWire.VarintSize((ulong)utf8.Length) + utf8.Length];
        var proto = new ProtoWire(key);
        proto.Bytes(ProtoWire.Tag(1, ProtoWire.LengthDelimited), utf8);
        return key;
    }
}
