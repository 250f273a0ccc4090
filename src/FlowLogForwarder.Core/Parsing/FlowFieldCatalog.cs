using System.Collections.Frozen;

namespace FlowLogForwarder.Parsing;

/// <summary>The field names AWS writes in a flow log header, and what kind of value each carries.</summary>
public static class FlowFieldCatalog
{
    private static readonly (FlowField Field, string Name, FlowFieldKind Kind)[] Entries =
    [
        (FlowField.Version, "version", FlowFieldKind.Number),
        (FlowField.AccountId, "account-id", FlowFieldKind.Text),
        (FlowField.InterfaceId, "interface-id", FlowFieldKind.Text),
        (FlowField.SrcAddr, "srcaddr", FlowFieldKind.Text),
        (FlowField.DstAddr, "dstaddr", FlowFieldKind.Text),
        (FlowField.SrcPort, "srcport", FlowFieldKind.Number),
        (FlowField.DstPort, "dstport", FlowFieldKind.Number),
        (FlowField.Protocol, "protocol", FlowFieldKind.Number),
        (FlowField.Packets, "packets", FlowFieldKind.Number),
        (FlowField.Bytes, "bytes", FlowFieldKind.Number),
        (FlowField.Start, "start", FlowFieldKind.Number),
        (FlowField.End, "end", FlowFieldKind.Number),
        (FlowField.Action, "action", FlowFieldKind.Text),
        (FlowField.LogStatus, "log-status", FlowFieldKind.Text),
        (FlowField.VpcId, "vpc-id", FlowFieldKind.Text),
        (FlowField.SubnetId, "subnet-id", FlowFieldKind.Text),
        (FlowField.InstanceId, "instance-id", FlowFieldKind.Text),
        (FlowField.TcpFlags, "tcp-flags", FlowFieldKind.Number),
        (FlowField.Type, "type", FlowFieldKind.Text),
        (FlowField.PktSrcAddr, "pkt-srcaddr", FlowFieldKind.Text),
        (FlowField.PktDstAddr, "pkt-dstaddr", FlowFieldKind.Text),
        (FlowField.Region, "region", FlowFieldKind.Text),
        (FlowField.AzId, "az-id", FlowFieldKind.Text),
        (FlowField.SublocationType, "sublocation-type", FlowFieldKind.Text),
        (FlowField.SublocationId, "sublocation-id", FlowFieldKind.Text),
        (FlowField.PktSrcAwsService, "pkt-src-aws-service", FlowFieldKind.Text),
        (FlowField.PktDstAwsService, "pkt-dst-aws-service", FlowFieldKind.Text),
        (FlowField.FlowDirection, "flow-direction", FlowFieldKind.Text),
        (FlowField.TrafficPath, "traffic-path", FlowFieldKind.Number),
        (FlowField.EcsClusterArn, "ecs-cluster-arn", FlowFieldKind.Text),
        (FlowField.EcsClusterName, "ecs-cluster-name", FlowFieldKind.Text),
        (FlowField.EcsContainerInstanceArn, "ecs-container-instance-arn", FlowFieldKind.Text),
        (FlowField.EcsContainerInstanceId, "ecs-container-instance-id", FlowFieldKind.Text),
        (FlowField.EcsContainerId, "ecs-container-id", FlowFieldKind.Text),
        (FlowField.EcsSecondContainerId, "ecs-second-container-id", FlowFieldKind.Text),
        (FlowField.EcsServiceName, "ecs-service-name", FlowFieldKind.Text),
        (FlowField.EcsTaskDefinitionArn, "ecs-task-definition-arn", FlowFieldKind.Text),
        (FlowField.EcsTaskArn, "ecs-task-arn", FlowFieldKind.Text),
        (FlowField.EcsTaskId, "ecs-task-id", FlowFieldKind.Text),
        (FlowField.RejectReason, "reject-reason", FlowFieldKind.Text),
    ];

    private static readonly FrozenDictionary<string, FlowField> ByName =
        Entries.ToFrozenDictionary(e => e.Name, e => e.Field, StringComparer.Ordinal);

    private static readonly string[] Names = BuildNames();
    private static readonly FlowFieldKind[] Kinds = BuildKinds();

    /// <summary>All known fields, in the order AWS documents them.</summary>
    public static IEnumerable<FlowField> KnownFields => Entries.Select(e => e.Field);

    /// <summary>Finds the field for a header name (AWS's hyphenated form; Parquet's underscores are accepted too).</summary>
    public static FlowField Lookup(string name) =>
        ByName.TryGetValue(name.Replace('_', '-'), out var field) ? field : FlowField.Unknown;

    /// <summary>The name AWS writes in the header for a known field.</summary>
    public static string NameOf(FlowField field) => Names[(int)field];

    /// <summary>How a field's value is validated and written.</summary>
    public static FlowFieldKind KindOf(FlowField field) => Kinds[(int)field];

    private static string[] BuildNames()
    {
        var names = new string[Entries.Length + 1];
        names[0] = "unknown";
        foreach (var e in Entries)
        {
            names[(int)e.Field] = e.Name;
        }
        return names;
    }

    private static FlowFieldKind[] BuildKinds()
    {
        var kinds = new FlowFieldKind[Entries.Length + 1];
        foreach (var e in Entries)
        {
            kinds[(int)e.Field] = e.Kind;
        }
        return kinds;
    }
}
