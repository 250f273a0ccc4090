using System.Text.Json;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Mapping;

/// <summary>
/// Maps one parsed flow record to one SigNoz log record and writes it as a JSON object.
/// The per-column plan is built once per object, so each record costs only the writes.
/// </summary>
public sealed class FlowRecordJsonWriter
{
    private const ulong NanosecondsPerSecond = 1_000_000_000;
    private const int SeverityInfo = 9;
    private const int SeverityWarn = 13;

    private static readonly JsonEncodedText TimestampKey = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText SeverityTextKey = JsonEncodedText.Encode("severity_text");
    private static readonly JsonEncodedText SeverityNumberKey = JsonEncodedText.Encode("severity_number");
    private static readonly JsonEncodedText BodyKey = JsonEncodedText.Encode("body");
    private static readonly JsonEncodedText AttributesKey = JsonEncodedText.Encode("attributes");
    private static readonly JsonEncodedText ResourcesKey = JsonEncodedText.Encode("resources");
    private static readonly JsonEncodedText Info = JsonEncodedText.Encode("INFO");
    private static readonly JsonEncodedText Warn = JsonEncodedText.Encode("WARN");
    private static readonly JsonEncodedText SourceAddress = JsonEncodedText.Encode("source.address");
    private static readonly JsonEncodedText DestinationAddress = JsonEncodedText.Encode("destination.address");
    private static readonly JsonEncodedText LocalAddress = JsonEncodedText.Encode("network.local.address");
    private static readonly JsonEncodedText ProtocolName = JsonEncodedText.Encode("network.protocol.name");
    private static readonly JsonEncodedText Receive = JsonEncodedText.Encode("receive");
    private static readonly JsonEncodedText Transmit = JsonEncodedText.Encode("transmit");
    private static readonly JsonEncodedText CloudProvider = JsonEncodedText.Encode("cloud.provider");
    private static readonly JsonEncodedText CloudPlatform = JsonEncodedText.Encode("cloud.platform");
    private static readonly JsonEncodedText CloudAccountId = JsonEncodedText.Encode("cloud.account.id");
    private static readonly JsonEncodedText CloudRegion = JsonEncodedText.Encode("cloud.region");
    private static readonly JsonEncodedText ServiceName = JsonEncodedText.Encode("service.name");
    private static readonly JsonEncodedText S3Bucket = JsonEncodedText.Encode("aws.s3.bucket");
    private static readonly JsonEncodedText S3Key = JsonEncodedText.Encode("aws.s3.key");
    private static readonly JsonEncodedText Aws = JsonEncodedText.Encode("aws");
    private static readonly JsonEncodedText AwsVpc = JsonEncodedText.Encode("aws_vpc");

    private readonly AttributeNaming _naming;
    private readonly JsonEncodedText _serviceName;
    private ColumnPlan[] _plan = [];
    private JsonEncodedText? _bucket;
    private JsonEncodedText _key;
    private JsonEncodedText? _keyAccount;
    private JsonEncodedText? _keyRegion;
    private int _srcAddr, _dstAddr, _pktSrcAddr, _pktDstAddr, _end, _start, _action, _logStatus, _account, _region;

    /// <summary>Creates a writer that names attributes per <paramref name="naming"/> and sets <c>service.name</c>.</summary>
    public FlowRecordJsonWriter(AttributeNaming naming, string serviceName)
    {
        _naming = naming;
        _serviceName = JsonEncodedText.Encode(serviceName);
    }

    /// <summary>Prepares for the records of one object: its layout and where it came from.</summary>
    public void BeginObject(FlowLogHeader header, FlowLogSource source)
    {
        _bucket = source.Bucket is null ? null : JsonEncodedText.Encode(source.Bucket);
        _key = JsonEncodedText.Encode(source.Key);
        _keyAccount = source.AccountId is null ? null : JsonEncodedText.Encode(source.AccountId);
        _keyRegion = source.Region is null ? null : JsonEncodedText.Encode(source.Region);
        _srcAddr = header.ColumnOf(FlowField.SrcAddr);
        _dstAddr = header.ColumnOf(FlowField.DstAddr);
        _pktSrcAddr = header.ColumnOf(FlowField.PktSrcAddr);
        _pktDstAddr = header.ColumnOf(FlowField.PktDstAddr);
        _end = header.ColumnOf(FlowField.End);
        _start = header.ColumnOf(FlowField.Start);
        _action = header.ColumnOf(FlowField.Action);
        _logStatus = header.ColumnOf(FlowField.LogStatus);
        _account = header.ColumnOf(FlowField.AccountId);
        _region = header.ColumnOf(FlowField.Region);
        _plan = new ColumnPlan[header.ColumnCount];
        for (var i = 0; i < _plan.Length; i++)
        {
            _plan[i] = _naming == AttributeNaming.Aws
                ? ColumnPlan.ForAwsName(header.Fields[i], header.Names[i])
                : ColumnPlan.ForOpenTelemetry(header.Fields[i], header.Names[i]);
        }
    }

    /// <summary>Writes <paramref name="record"/> as one JSON object; returns a fault instead when its time cannot be expressed.</summary>
    public LineFault Write(Utf8JsonWriter writer, in FlowRecord record)
    {
        if (!TryGetTimestamp(record, out var timestampNs, out var hasTimestamp))
        {
            return LineFault.TimestampOutOfRange;
        }

        writer.WriteStartObject();
        if (hasTimestamp)
        {
            writer.WriteNumber(TimestampKey, timestampNs);
        }
        var warn = Is(record, _action, "REJECT"u8) || Is(record, _logStatus, "SKIPDATA"u8);
        writer.WriteString(SeverityTextKey, warn ? Warn : Info);
        writer.WriteNumber(SeverityNumberKey, warn ? SeverityWarn : SeverityInfo);
        writer.WriteString(BodyKey, record.Line);

        writer.WriteStartObject(AttributesKey);
        var plan = _plan;
        for (var column = 0; column < plan.Length; column++)
        {
            if (record.IsAbsent(column))
            {
                continue; // '-' means "not applicable": omitted, not forwarded as text
            }
            WriteColumn(writer, record, column, plan[column]);
        }
        if (_naming == AttributeNaming.OpenTelemetry)
        {
            WriteAddresses(writer, record);
        }
        writer.WriteEndObject();

        writer.WriteStartObject(ResourcesKey);
        writer.WriteString(CloudProvider, Aws);
        writer.WriteString(CloudPlatform, AwsVpc);
        WriteResource(writer, record, CloudAccountId, _account, _keyAccount);
        WriteResource(writer, record, CloudRegion, _region, _keyRegion);
        writer.WriteString(ServiceName, _serviceName);
        if (_bucket is { } bucket)
        {
            writer.WriteString(S3Bucket, bucket);
        }
        writer.WriteString(S3Key, _key);
        writer.WriteEndObject();

        writer.WriteEndObject();
        return LineFault.None;
    }

    private bool TryGetTimestamp(in FlowRecord record, out ulong nanoseconds, out bool present)
    {
        nanoseconds = 0;
        var column = _end >= 0 && !record.IsAbsent(_end) ? _end
            : _start >= 0 && !record.IsAbsent(_start) ? _start
            : -1;
        present = column >= 0;
        if (!present)
        {
            return true; // SigNoz stamps the record with its receive time
        }
        var seconds = record.Number(column);
        if (seconds > ulong.MaxValue / NanosecondsPerSecond)
        {
            return false;
        }
        nanoseconds = seconds * NanosecondsPerSecond;
        return true;
    }

    private static bool Is(in FlowRecord record, int column, ReadOnlySpan<byte> value) =>
        column >= 0 && record.Raw(column).SequenceEqual(value);

    private static void WriteColumn(Utf8JsonWriter writer, in FlowRecord record, int column, in ColumnPlan plan)
    {
        switch (plan.Action)
        {
            case ColumnAction.Text:
                writer.WriteString(plan.Name, record.Raw(column));
                break;
            case ColumnAction.Number:
                writer.WriteNumber(plan.Name, record.Number(column));
                break;
            case ColumnAction.LowerText:
                WriteLower(writer, plan.Name, record.Raw(column));
                break;
            case ColumnAction.Protocol:
                var number = record.Number(column);
                writer.WriteNumber(plan.Name, number);
                if (IanaProtocolNames.Get(number) is { } name)
                {
                    writer.WriteString(ProtocolName, name);
                }
                break;
            case ColumnAction.Direction:
                var raw = record.Raw(column);
                if (raw.SequenceEqual("ingress"u8))
                {
                    writer.WriteString(plan.Name, Receive);
                }
                else if (raw.SequenceEqual("egress"u8))
                {
                    writer.WriteString(plan.Name, Transmit);
                }
                else
                {
                    writer.WriteString(plan.Name, raw);
                }
                break;
            case ColumnAction.None:
                break;
        }
    }

    private static void WriteLower(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<byte> value)
    {
        const int MaxStack = 64;
        if (value.Length > MaxStack)
        {
            writer.WriteString(name, value);
            return;
        }
        Span<byte> lower = stackalloc byte[value.Length];
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }
        writer.WriteString(name, lower);
    }

    // Follows the collector's rule: pkt-*addr is the original endpoint; a differing srcaddr/dstaddr is the
    // intermediate (NAT gateway, load balancer) and becomes network.local.address. Keys are never repeated.
    private void WriteAddresses(Utf8JsonWriter writer, in FlowRecord record)
    {
        var localWritten = WriteEndpoint(writer, record, _srcAddr, _pktSrcAddr, SourceAddress, writeLocal: true);
        WriteEndpoint(writer, record, _dstAddr, _pktDstAddr, DestinationAddress, writeLocal: !localWritten);
    }

    private static bool WriteEndpoint(Utf8JsonWriter writer, in FlowRecord record, int addr, int pktAddr, JsonEncodedText key, bool writeLocal)
    {
        var hasAddr = addr >= 0 && !record.IsAbsent(addr);
        var hasPkt = pktAddr >= 0 && !record.IsAbsent(pktAddr);
        if (hasPkt)
        {
            writer.WriteString(key, record.Raw(pktAddr));
            if (hasAddr && writeLocal && !record.Raw(addr).SequenceEqual(record.Raw(pktAddr)))
            {
                writer.WriteString(LocalAddress, record.Raw(addr));
                return true;
            }
        }
        else if (hasAddr)
        {
            writer.WriteString(key, record.Raw(addr));
        }
        return false;
    }

    private static void WriteResource(Utf8JsonWriter writer, in FlowRecord record, JsonEncodedText key, int column, JsonEncodedText? fromKey)
    {
        if (column >= 0 && !record.IsAbsent(column))
        {
            writer.WriteString(key, record.Raw(column));
        }
        else if (fromKey is { } value)
        {
            writer.WriteString(key, value);
        }
    }

    private enum ColumnAction : byte
    {
        None,
        Text,
        Number,
        LowerText,
        Protocol,
        Direction,
    }

    private readonly record struct ColumnPlan(ColumnAction Action, JsonEncodedText Name)
    {
        private static readonly ColumnPlan Handled = new(ColumnAction.None, default);

        public static ColumnPlan ForAwsName(FlowField field, string name) =>
            new(FlowFieldCatalog.KindOf(field) == FlowFieldKind.Number ? ColumnAction.Number : ColumnAction.Text, JsonEncodedText.Encode(name));

        public static ColumnPlan ForOpenTelemetry(FlowField field, string name) => field switch
        {
            // Written elsewhere: addresses as a group, end as the timestamp, account and region as resources.
            FlowField.SrcAddr or FlowField.DstAddr or FlowField.PktSrcAddr or FlowField.PktDstAddr
                or FlowField.End or FlowField.AccountId or FlowField.Region => Handled,
            FlowField.Version => Number("aws.vpc.flow.log.version"),
            FlowField.InterfaceId => Text("network.interface.name"),
            FlowField.SrcPort => Number("source.port"),
            FlowField.DstPort => Number("destination.port"),
            FlowField.Protocol => new(ColumnAction.Protocol, JsonEncodedText.Encode("aws.vpc.flow.protocol")),
            FlowField.Packets => Number("aws.vpc.flow.packets"),
            FlowField.Bytes => Number("aws.vpc.flow.bytes"),
            FlowField.Start => Number("aws.vpc.flow.start"),
            FlowField.Action => Text("aws.vpc.flow.action"),
            FlowField.LogStatus => Text("aws.vpc.flow.status"),
            FlowField.VpcId => Text("aws.vpc.id"),
            FlowField.SubnetId => Text("aws.vpc.subnet.id"),
            FlowField.InstanceId => Text("host.id"),
            FlowField.TcpFlags => Number("aws.vpc.flow.tcp_flags"),
            FlowField.Type => new(ColumnAction.LowerText, JsonEncodedText.Encode("network.type")),
            FlowField.AzId => Text("aws.az.id"),
            FlowField.SublocationType => Text("aws.sublocation.type"),
            FlowField.SublocationId => Text("aws.sublocation.id"),
            FlowField.PktSrcAwsService => Text("aws.vpc.flow.source.service"),
            FlowField.PktDstAwsService => Text("aws.vpc.flow.destination.service"),
            FlowField.FlowDirection => new(ColumnAction.Direction, JsonEncodedText.Encode("network.io.direction")),
            FlowField.TrafficPath => Number("aws.vpc.flow.traffic_path"),
            FlowField.EcsClusterArn => Text("aws.ecs.cluster.arn"),
            FlowField.EcsClusterName => Text("aws.ecs.cluster.name"),
            FlowField.EcsContainerInstanceArn => Text("aws.ecs.container.instance.arn"),
            FlowField.EcsContainerInstanceId => Text("aws.ecs.container.instance.id"),
            FlowField.EcsContainerId => Text("aws.ecs.container.id"),
            FlowField.EcsSecondContainerId => Text("aws.ecs.second.container.id"),
            FlowField.EcsServiceName => Text("aws.ecs.service.name"),
            FlowField.EcsTaskDefinitionArn => Text("aws.ecs.task.definition.arn"),
            FlowField.EcsTaskArn => Text("aws.ecs.task.arn"),
            FlowField.EcsTaskId => Text("aws.ecs.task.id"),
            FlowField.RejectReason => Text("aws.vpc.flow.reject_reason"),
            _ => Text("aws.vpc.flow." + name.Replace('-', '_')),
        };

        private static ColumnPlan Text(string name) => new(ColumnAction.Text, JsonEncodedText.Encode(name));

        private static ColumnPlan Number(string name) => new(ColumnAction.Number, JsonEncodedText.Encode(name));
    }
}
