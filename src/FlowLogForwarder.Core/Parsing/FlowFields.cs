using System.Collections.Frozen;
using Act = FlowLogForwarder.Parsing.FlowFieldAction;
using Kind = FlowLogForwarder.Parsing.FlowValueKind;

namespace FlowLogForwarder.Parsing;

/// <summary>
/// The field table: one row per flow log field AWS documents (VPC versions 2 to 8 in AWS's order, then the transit
/// gateway fields of version 6), and all this forwarder
/// knows about each. Adding a field is adding its row. Modelled on the OpenTelemetry collector's VPC flow log
/// unmarshaler (awslogsencodingextension), whose one switch sends each field to its attribute, and named as it names
/// them, except where this forwarder already differed: tcp-flags and traffic-path are numbers under aws.vpc.flow.*
/// (the collector: strings, network.tcp.flags), the protocol number is kept beside its name, and unknown fields are
/// kept (the collector drops them). With AWS naming every value goes under the header's own spelling instead.
/// </summary>
public static class FlowFields
{
    private static readonly FlowField[] Rows =
    [
        //  AWS name                       value kind   OpenTelemetry attribute               action
        new("version",                     Kind.Int32,  "aws.vpc.flow.log.version"),
        new("account-id",                  Kind.Text,   null,                                 Act.AccountResource),
        new("interface-id",                Kind.Text,   "network.interface.name"),
        new("srcaddr",                     Kind.Text,   null,                                 Act.SourceAddress),
        new("dstaddr",                     Kind.Text,   null,                                 Act.DestinationAddress),
        new("srcport",                     Kind.Int32,  "source.port"),
        new("dstport",                     Kind.Int32,  "destination.port"),
        new("protocol",                    Kind.Int32,  "aws.vpc.flow.protocol",              Act.ProtocolName),
        new("packets",                     Kind.Int64,  "aws.vpc.flow.packets"),
        new("bytes",                       Kind.Int64,  "aws.vpc.flow.bytes"),
        new("start",                       Kind.Int64,  "aws.vpc.flow.start",                 Act.StartTime),
        new("end",                         Kind.Int64,  null,                                 Act.EndTime),
        new("action",                      Kind.Text,   "aws.vpc.flow.action",                Act.WarnOnReject),
        new("log-status",                  Kind.Text,   "aws.vpc.flow.status",                Act.WarnOnSkipData),
        // Version 3.
        new("vpc-id",                      Kind.Text,   "aws.vpc.id"),
        new("subnet-id",                   Kind.Text,   "aws.vpc.subnet.id"),
        new("instance-id",                 Kind.Text,   "host.id"),
        new("tcp-flags",                   Kind.Int32,  "aws.vpc.flow.tcp_flags"),
        new("type",                        Kind.Text,   "network.type",                       Act.LowerCase),
        new("pkt-srcaddr",                 Kind.Text,   null,                                 Act.PacketSourceAddress),
        new("pkt-dstaddr",                 Kind.Text,   null,                                 Act.PacketDestinationAddress),
        // Version 4.
        new("region",                      Kind.Text,   null,                                 Act.RegionResource),
        new("az-id",                       Kind.Text,   "aws.az.id"),
        new("sublocation-type",            Kind.Text,   "aws.sublocation.type"),
        new("sublocation-id",              Kind.Text,   "aws.sublocation.id"),
        // Version 5.
        new("pkt-src-aws-service",         Kind.Text,   "aws.vpc.flow.source.service"),
        new("pkt-dst-aws-service",         Kind.Text,   "aws.vpc.flow.destination.service"),
        new("flow-direction",              Kind.Text,   "network.io.direction",               Act.Direction),
        new("traffic-path",                Kind.Int32,  "aws.vpc.flow.traffic_path"),
        // Version 7.
        new("ecs-cluster-arn",             Kind.Text,   "aws.ecs.cluster.arn"),
        new("ecs-cluster-name",            Kind.Text,   "aws.ecs.cluster.name"),
        new("ecs-container-instance-arn",  Kind.Text,   "aws.ecs.container.instance.arn"),
        new("ecs-container-instance-id",   Kind.Text,   "aws.ecs.container.instance.id"),
        new("ecs-container-id",            Kind.Text,   "aws.ecs.container.id"),
        new("ecs-second-container-id",     Kind.Text,   "aws.ecs.second.container.id"),
        new("ecs-service-name",            Kind.Text,   "aws.ecs.service.name"),
        new("ecs-task-definition-arn",     Kind.Text,   "aws.ecs.task.definition.arn"),
        new("ecs-task-arn",                Kind.Text,   "aws.ecs.task.arn"),
        new("ecs-task-id",                 Kind.Text,   "aws.ecs.task.id"),
        // Version 8.
        new("reject-reason",               Kind.Text,   "aws.vpc.flow.reject_reason"),
        // Transit gateway flow logs (version 6), named as the collector names them; the two account ids and the
        // resource type, which it drops, in its style.
        new("resource-type",               Kind.Text,   "aws.vpc.flow.resource_type"),
        new("tgw-id",                      Kind.Text,   "aws.tgw.id"),
        new("tgw-attachment-id",           Kind.Text,   "aws.tgw.attachment.id"),
        new("tgw-src-vpc-account-id",      Kind.Text,   "aws.tgw.source.vpc.account.id"),
        new("tgw-dst-vpc-account-id",      Kind.Text,   "aws.tgw.destination.vpc.account.id"),
        new("tgw-src-vpc-id",              Kind.Text,   "aws.tgw.source.vpc.id"),
        new("tgw-dst-vpc-id",              Kind.Text,   "aws.tgw.destination.vpc.id"),
        new("tgw-src-subnet-id",           Kind.Text,   "aws.tgw.source.vpc.subnet.id"),
        new("tgw-dst-subnet-id",           Kind.Text,   "aws.tgw.destination.vpc.subnet.id"),
        new("tgw-src-eni",                 Kind.Text,   "aws.tgw.source.eni.id"),
        new("tgw-dst-eni",                 Kind.Text,   "aws.tgw.destination.eni.id"),
        new("tgw-src-az-id",               Kind.Text,   "aws.tgw.source.az.id"),
        new("tgw-dst-az-id",               Kind.Text,   "aws.tgw.destination.az.id"),
        new("tgw-pair-attachment-id",      Kind.Text,   "aws.tgw.attachment.pair.id"),
        new("packets-lost-no-route",       Kind.Int64,  "aws.vpc.flow.packets_lost_no_route"),
        new("packets-lost-blackhole",      Kind.Int64,  "aws.vpc.flow.packets_lost_blackhole"),
        new("packets-lost-mtu-exceeded",   Kind.Int64,  "aws.vpc.flow.packets_lost_mtu_exceeded"),
        new("packets-lost-ttl-expired",    Kind.Int64,  "aws.vpc.flow.packets_lost_ttl_expired"),
    ];

    private static readonly FrozenDictionary<string, FlowField> ByName = Rows.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Every known field, in the order AWS documents them.</summary>
    public static IReadOnlyList<FlowField> All => Rows;

    /// <summary>The row for a header name (AWS's hyphenated form; Parquet's underscores are accepted too); for a name
    /// this version does not know, a pass-through row (<see cref="FlowField.IsKnown"/> false).</summary>
    public static FlowField Lookup(string name) =>
        ByName.TryGetValue(name.Replace('_', '-'), out var field) ? field : FlowField.PassThrough(name);
}
