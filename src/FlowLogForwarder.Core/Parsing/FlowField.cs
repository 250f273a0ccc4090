namespace FlowLogForwarder.Parsing;

/// <summary>A VPC flow log field known to this forwarder; <see cref="Unknown"/> covers newer fields that pass through as strings.</summary>
public enum FlowField : byte
{
    /// <summary>A field this version does not know; forwarded as a string under its own name.</summary>
    Unknown = 0,
    // Version 2 (the default format).
    Version, AccountId, InterfaceId, SrcAddr, DstAddr, SrcPort, DstPort, Protocol,
    Packets, Bytes, Start, End, Action, LogStatus,
    // Version 3.
    VpcId, SubnetId, InstanceId, TcpFlags, Type, PktSrcAddr, PktDstAddr,
    // Version 4.
    Region, AzId, SublocationType, SublocationId,
    // Version 5.
    PktSrcAwsService, PktDstAwsService, FlowDirection, TrafficPath,
    // Version 7.
    EcsClusterArn, EcsClusterName, EcsContainerInstanceArn, EcsContainerInstanceId, EcsContainerId,
    EcsSecondContainerId, EcsServiceName, EcsTaskDefinitionArn, EcsTaskArn, EcsTaskId,
    // Version 8.
    RejectReason,
}

/// <summary>How a field's value is validated and written.</summary>
public enum FlowFieldKind : byte
{
    /// <summary>Free text, written as a JSON string.</summary>
    Text,
    /// <summary>An unsigned decimal integer (64-bit), written as a JSON number.</summary>
    Number,
}
