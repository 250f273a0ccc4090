namespace FlowLogForwarder.TestSupport;

/// <summary>One transit gateway flow log record (version 6) carrying every field AWS defines for it, in AWS's order.</summary>
public static class TransitGatewayRecord
{
    /// <summary>Each field's AWS name and the value this record gives it.</summary>
    public static readonly (string Name, string Value)[] Fields =
    [
        ("version", "6"), ("resource-type", "TransitGateway"), ("account-id", "210987654321"), ("tgw-id", "tgw-07a1b2c3d4e5f6a7b"),
        ("tgw-attachment-id", "tgw-attach-0b1c2d3e4f5a6b7c8"), ("tgw-src-vpc-account-id", "210987654321"), ("tgw-dst-vpc-account-id", "109876543210"),
        ("tgw-src-vpc-id", "vpc-0aa11bb22cc33dd44"), ("tgw-dst-vpc-id", "vpc-0ee55ff66aa77bb88"), ("tgw-src-subnet-id", "subnet-0c1d2e3f4a5b6c7d8"),
        ("tgw-dst-subnet-id", "subnet-0d2e3f4a5b6c7d8e9"), ("tgw-src-eni", "eni-0e3f4a5b6c7d8e9f0"), ("tgw-dst-eni", "eni-0f4a5b6c7d8e9f0a1"),
        ("tgw-src-az-id", "euw1-az2"), ("tgw-dst-az-id", "euw1-az3"), ("tgw-pair-attachment-id", "tgw-attach-0c2d3e4f5a6b7c8d9"),
        ("srcaddr", "10.20.1.15"), ("dstaddr", "10.30.2.40"), ("srcport", "53412"), ("dstport", "5432"), ("protocol", "6"),
        ("packets", "18"), ("bytes", "9216"), ("start", "1763805900"), ("end", "1763805960"), ("log-status", "OK"), ("type", "IPv4"),
        ("packets-lost-no-route", "0"), ("packets-lost-blackhole", "3"), ("packets-lost-mtu-exceeded", "1"), ("packets-lost-ttl-expired", "0"),
        ("tcp-flags", "19"), ("region", "eu-west-1"), ("flow-direction", "ingress"), ("pkt-src-aws-service", "-"), ("pkt-dst-aws-service", "-"),
    ];

    /// <summary>The header line naming every field.</summary>
    public static string Header => string.Join(' ', Fields.Select(f => f.Name));

    /// <summary>The record's line.</summary>
    public static string Line => string.Join(' ', Fields.Select(f => f.Value));
}
