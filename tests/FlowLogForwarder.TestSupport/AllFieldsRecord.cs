namespace FlowLogForwarder.TestSupport;

/// <summary>One record carrying every field AWS defines (v2 to v8), with a plausible value for each, in AWS's order.</summary>
public static class AllFieldsRecord
{
    /// <summary>Each field's AWS name and the value this record gives it.</summary>
    public static readonly (string Name, string Value)[] Fields =
    [
        ("version", "8"), ("account-id", "123456789012"), ("interface-id", "eni-0c3d4e5f6a7b8c9d0"),
        ("srcaddr", "10.0.3.17"), ("dstaddr", "10.0.4.9"), ("srcport", "45012"), ("dstport", "5432"), ("protocol", "6"),
        ("packets", "40"), ("bytes", "28800"), ("start", "1763805900"), ("end", "1763805960"), ("action", "ACCEPT"), ("log-status", "OK"),
        ("vpc-id", "vpc-0a1b2c3d"), ("subnet-id", "subnet-0bb22cc33dd44ee55"), ("instance-id", "i-0123456789abcdef0"), ("tcp-flags", "19"),
        ("type", "IPv4"), ("pkt-srcaddr", "192.0.2.10"), ("pkt-dstaddr", "10.0.4.9"),
        ("region", "us-east-1"), ("az-id", "use1-az6"), ("sublocation-type", "outpost"), ("sublocation-id", "op-0123456789abcdef0"),
        ("pkt-src-aws-service", "AMAZON"), ("pkt-dst-aws-service", "S3"), ("flow-direction", "egress"), ("traffic-path", "8"),
        ("ecs-cluster-arn", "arn:aws:ecs:us-east-1:123456789012:cluster/payments"), ("ecs-cluster-name", "payments"),
        ("ecs-container-instance-arn", "arn:aws:ecs:us-east-1:123456789012:container-instance/payments/8f2b"), ("ecs-container-instance-id", "8f2b"),
        ("ecs-container-id", "1f3e5d7c"), ("ecs-second-container-id", "2a4c6e8f"), ("ecs-service-name", "api"),
        ("ecs-task-definition-arn", "arn:aws:ecs:us-east-1:123456789012:task-definition/api:42"),
        ("ecs-task-arn", "arn:aws:ecs:us-east-1:123456789012:task/payments/0e1f"), ("ecs-task-id", "0e1f"), ("reject-reason", "BPA"),
    ];

    /// <summary>The header line naming every field.</summary>
    public static string Header => string.Join(' ', Fields.Select(f => f.Name));

    /// <summary>The record's line.</summary>
    public static string Line => string.Join(' ', Fields.Select(f => f.Value));
}
