using System.Text.Json;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Mapping;

/// <summary>
/// A transit gateway record compared field by field with what the OpenTelemetry collector's VPC flow log decoder makes
/// of it. The expected attributes follow the collector's own TGW fixture (opentelemetry-collector-contrib,
/// extension/encoding/awslogsencodingextension/internal/unmarshaler/vpc-flow-log/testdata/valid_tgw_flow_log.log and
/// valid_tgw_flow_log_expected.yaml, commits 22323b8 and 3cedff6): the same keys and value types, applied to this
/// project's own record (<see cref="TransitGatewayRecord"/>) rather than a copy of the collector's data. Every place
/// this forwarder differs is listed in <see cref="Differences"/> and in the README ("What a record looks like").
/// </summary>
public class CollectorParityTests
{
    // (key, "int" or "str", value) as the collector's decoder writes them for TransitGatewayRecord.
    private static readonly (string Key, string Type, string Value)[] CollectorAttributes =
    [
        ("aws.vpc.flow.log.version", "int", "6"),
        ("aws.tgw.id", "str", "tgw-07a1b2c3d4e5f6a7b"),
        ("aws.tgw.attachment.id", "str", "tgw-attach-0b1c2d3e4f5a6b7c8"),
        ("aws.tgw.source.vpc.id", "str", "vpc-0aa11bb22cc33dd44"),
        ("aws.tgw.destination.vpc.id", "str", "vpc-0ee55ff66aa77bb88"),
        ("aws.tgw.source.vpc.subnet.id", "str", "subnet-0c1d2e3f4a5b6c7d8"),
        ("aws.tgw.destination.vpc.subnet.id", "str", "subnet-0d2e3f4a5b6c7d8e9"),
        ("aws.tgw.source.eni.id", "str", "eni-0e3f4a5b6c7d8e9f0"),
        ("aws.tgw.destination.eni.id", "str", "eni-0f4a5b6c7d8e9f0a1"),
        ("aws.tgw.source.az.id", "str", "euw1-az2"),
        ("aws.tgw.destination.az.id", "str", "euw1-az3"),
        ("aws.tgw.attachment.pair.id", "str", "tgw-attach-0c2d3e4f5a6b7c8d9"),
        ("source.address", "str", "10.20.1.15"),
        ("destination.address", "str", "10.30.2.40"),
        ("source.port", "int", "53412"),
        ("destination.port", "int", "5432"),
        ("network.protocol.name", "str", "tcp"),
        ("aws.vpc.flow.packets", "int", "18"),
        ("aws.vpc.flow.bytes", "int", "9216"),
        ("aws.vpc.flow.packets_lost_no_route", "int", "0"),
        ("aws.vpc.flow.packets_lost_blackhole", "int", "3"),
        ("aws.vpc.flow.packets_lost_mtu_exceeded", "int", "1"),
        ("aws.vpc.flow.packets_lost_ttl_expired", "int", "0"),
        ("aws.vpc.flow.start", "int", "1763805900"),
        ("aws.vpc.flow.status", "str", "OK"),
        ("network.type", "str", "ipv4"),
        ("network.tcp.flags", "str", "19"),
        ("network.io.direction", "str", "receive"),
    ];

    private static readonly (string Key, string Value)[] CollectorResources =
    [
        ("cloud.provider", "aws"), ("cloud.account.id", "210987654321"), ("cloud.region", "eu-west-1"),
    ];

    /// <summary>Where this forwarder deliberately differs: the collector's key, and this forwarder's key and type instead.</summary>
    private static readonly Dictionary<string, (string Key, string Type)> Differences = new(StringComparer.Ordinal)
    {
        // A number, so flags can be filtered and compared numerically; the collector writes the decimal as a string.
        ["network.tcp.flags"] = ("aws.vpc.flow.tcp_flags", "int"),
    };

    /// <summary>What this forwarder writes that the collector does not (it drops unknown fields and these).</summary>
    private static readonly string[] Extras =
    [
        "aws.vpc.flow.protocol", "aws.vpc.flow.resource_type",
        "aws.tgw.source.vpc.account.id", "aws.tgw.destination.vpc.account.id",
    ];

    [Fact]
    public async Task A_transit_gateway_record_maps_as_the_collector_maps_it_except_where_documented()
    {
        var (summary, records, _) = await TestHelpers.RunTextAsync(TransitGatewayRecord.Header + "\n" + TransitGatewayRecord.Line + "\n");
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        var record = Assert.Single(records);
        var attributes = Flatten(record.GetProperty("attributes"));

        foreach (var (key, type, value) in CollectorAttributes)
        {
            var (ourKey, ourType) = Differences.GetValueOrDefault(key, (key, type));
            Assert.True(attributes.TryGetValue(ourKey, out var ours), $"missing {ourKey} (the collector's {key})");
            Assert.Equal($"{ourType}:{value}", ours);
        }
        var expectedKeys = CollectorAttributes.Select(a => Differences.GetValueOrDefault(a.Key, (a.Key, a.Type)).Key).Concat(Extras);
        Assert.Equal(expectedKeys.Order(StringComparer.Ordinal), attributes.Keys.Order(StringComparer.Ordinal));

        var resources = Flatten(record.GetProperty("resources"));
        Assert.All(CollectorResources, r => Assert.Equal("str:" + r.Value, resources.GetValueOrDefault(r.Key)));
        Assert.Equal(1763805960_000_000_000, record.GetProperty("timestamp").GetInt64()); // the collector's timeUnixNano: end
    }

    [Fact]
    public async Task No_TGW_field_passes_through_as_an_unknown_string()
    {
        // Before the table knew them, these passed through as aws.vpc.flow.tgw_* and aws.vpc.flow.packets-lost-* strings.
        var (_, records, _) = await TestHelpers.RunTextAsync(TransitGatewayRecord.Header + "\n" + TransitGatewayRecord.Line + "\n");
        var keys = Flatten(Assert.Single(records).GetProperty("attributes"));
        Assert.DoesNotContain(keys.Keys, k => k.StartsWith("aws.vpc.flow.tgw_", StringComparison.Ordinal) || k.StartsWith("aws.vpc.flow.packets-", StringComparison.Ordinal));
        Assert.All(keys.Where(k => k.Key.StartsWith("aws.vpc.flow.packets_lost_", StringComparison.Ordinal)), k => Assert.StartsWith("int:", k.Value, StringComparison.Ordinal));
    }

    private static Dictionary<string, string> Flatten(JsonElement json) =>
        json.EnumerateObject().ToDictionary(p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.Number ? "int:" + p.Value.GetRawText() : "str:" + p.Value.GetString(), StringComparer.Ordinal);
}
