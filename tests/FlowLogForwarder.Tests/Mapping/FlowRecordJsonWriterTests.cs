using FlowLogForwarder.TestSupport;
using System.Text.Json;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Tests.Parsing;

namespace FlowLogForwarder.Tests.Mapping;

public class FlowRecordJsonWriterTests
{
    private static readonly string AllHeader = AllFieldsRecord.Header;
    private static readonly string AllLine = AllFieldsRecord.Line;

    private static async Task<JsonElement> SingleAsync(string header, string line, AttributeNaming naming = AttributeNaming.OpenTelemetry)
    {
        var (summary, records, _) = await TestHelpers.RunTextAsync($"{header}\n{line}\n", new PipelineOptions { Naming = naming });
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        return Assert.Single(records);
    }

    private static Dictionary<string, string> Flatten(JsonElement map) =>
        map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());

    [Fact]
    public async Task Every_field_maps_to_its_OpenTelemetry_attribute()
    {
        var record = await SingleAsync(AllHeader, AllLine);

        Assert.Equal(1763805960_000_000_000UL, record.GetProperty("timestamp").GetUInt64());
        Assert.Equal("INFO", record.GetProperty("severity_text").GetString());
        Assert.Equal(9, record.GetProperty("severity_number").GetInt32());
        Assert.Equal(AllLine, record.GetProperty("body").GetString());
        var expected = new Dictionary<string, string>
        {
            ["aws.vpc.flow.log.version"] = "8", ["network.interface.name"] = "eni-0c3d4e5f6a7b8c9d0",
            ["source.address"] = "192.0.2.10", ["network.local.address"] = "10.0.3.17", ["destination.address"] = "10.0.4.9",
            ["source.port"] = "45012", ["destination.port"] = "5432", ["aws.vpc.flow.protocol"] = "6", ["network.protocol.name"] = "tcp",
            ["aws.vpc.flow.packets"] = "40", ["aws.vpc.flow.bytes"] = "28800", ["aws.vpc.flow.start"] = "1763805900",
            ["aws.vpc.flow.action"] = "ACCEPT", ["aws.vpc.flow.status"] = "OK", ["aws.vpc.id"] = "vpc-0a1b2c3d",
            ["aws.vpc.subnet.id"] = "subnet-0bb22cc33dd44ee55", ["host.id"] = "i-0123456789abcdef0", ["aws.vpc.flow.tcp_flags"] = "19",
            ["network.type"] = "ipv4", ["aws.az.id"] = "use1-az6", ["aws.sublocation.type"] = "outpost",
            ["aws.sublocation.id"] = "op-0123456789abcdef0", ["aws.vpc.flow.source.service"] = "AMAZON",
            ["aws.vpc.flow.destination.service"] = "S3", ["network.io.direction"] = "transmit", ["aws.vpc.flow.traffic_path"] = "8",
            ["aws.ecs.cluster.arn"] = "arn:aws:ecs:us-east-1:123456789012:cluster/payments", ["aws.ecs.cluster.name"] = "payments",
            ["aws.ecs.container.instance.arn"] = "arn:aws:ecs:us-east-1:123456789012:container-instance/payments/8f2b",
            ["aws.ecs.container.instance.id"] = "8f2b", ["aws.ecs.container.id"] = "1f3e5d7c", ["aws.ecs.second.container.id"] = "2a4c6e8f",
            ["aws.ecs.service.name"] = "api", ["aws.ecs.task.definition.arn"] = "arn:aws:ecs:us-east-1:123456789012:task-definition/api:42",
            ["aws.ecs.task.arn"] = "arn:aws:ecs:us-east-1:123456789012:task/payments/0e1f", ["aws.ecs.task.id"] = "0e1f",
            ["aws.vpc.flow.reject_reason"] = "BPA",
        };
        Assert.Equal(expected.OrderBy(p => p.Key), Flatten(record.GetProperty("attributes")).OrderBy(p => p.Key));
        Assert.Equal(JsonValueKind.Number, record.GetProperty("attributes").GetProperty("aws.vpc.flow.bytes").ValueKind);

        var resources = Flatten(record.GetProperty("resources"));
        Assert.Equal("aws", resources["cloud.provider"]);
        Assert.Equal("123456789012", resources["cloud.account.id"]);
        Assert.Equal("us-east-1", resources["cloud.region"]); // the record's region wins over the key's eu-west-1
        Assert.Equal("vpc-flow-logs", resources["service.name"]);
        Assert.Equal("flow-bucket", resources["aws.s3.bucket"]);
    }

    [Fact]
    public async Task AWS_naming_keeps_the_field_names_and_number_types()
    {
        var record = await SingleAsync(AllHeader, AllLine, AttributeNaming.Aws);
        var attributes = record.GetProperty("attributes");
        Assert.Equal(AllFieldsRecord.Fields.Length, attributes.EnumerateObject().Count());
        foreach (var (name, value) in AllFieldsRecord.Fields)
        {
            Assert.Equal(value, attributes.GetProperty(name).ToString());
        }
        Assert.Equal(JsonValueKind.Number, attributes.GetProperty("srcport").ValueKind);
        Assert.Equal(JsonValueKind.String, attributes.GetProperty("srcaddr").ValueKind);
    }

    [Fact]
    public async Task Account_and_region_come_from_the_object_key_when_the_format_lacks_them()
    {
        var record = await SingleAsync("srcaddr dstaddr end", "10.0.0.1 10.0.0.2 1763805960");
        var resources = record.GetProperty("resources");
        Assert.Equal("123456789012", resources.GetProperty("cloud.account.id").GetString());
        Assert.Equal("eu-west-1", resources.GetProperty("cloud.region").GetString());
    }

    [Fact]
    public async Task Dash_values_are_omitted_and_NODATA_and_SKIPDATA_rows_are_forwarded()
    {
        var (summary, records, _) = await TestHelpers.RunTextAsync(
            FlowLogGeneratorHeader + "\n" +
            "2 123456789012 eni-0f9e8d7c6b5a43210 - - - - - - - 1763805900 1763805960 - NODATA\n" +
            "2 123456789012 eni-0f9e8d7c6b5a43210 - - - - - - - 1763805900 1763805960 - SKIPDATA\n");
        Assert.Equal(2, summary.RecordsForwarded);
        var nodata = records[0];
        Assert.Equal("INFO", nodata.GetProperty("severity_text").GetString());
        Assert.Equal(["aws.vpc.flow.log.version", "aws.vpc.flow.start", "aws.vpc.flow.status", "network.interface.name"],
            nodata.GetProperty("attributes").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("WARN", records[1].GetProperty("severity_text").GetString());
        Assert.Equal(13, records[1].GetProperty("severity_number").GetInt32());
    }

    [Fact]
    public async Task Rejected_traffic_is_a_warning_and_ingress_is_receive()
    {
        var record = await SingleAsync("action flow-direction protocol", "REJECT ingress 58");
        Assert.Equal("WARN", record.GetProperty("severity_text").GetString());
        Assert.Equal("receive", record.GetProperty("attributes").GetProperty("network.io.direction").GetString());
        Assert.Equal("ipv6-icmp", record.GetProperty("attributes").GetProperty("network.protocol.name").GetString());
        Assert.False(record.TryGetProperty("timestamp", out _)); // no start or end: SigNoz stamps it on receipt
    }

    [Theory]
    [InlineData(1, "icmp")]
    [InlineData(6, "tcp")]
    [InlineData(17, "udp")]
    [InlineData(47, "gre")]
    [InlineData(50, "esp")]
    [InlineData(132, "sctp")]
    [InlineData(143, "ethernet")]
    public async Task Protocol_numbers_get_their_IANA_names(int number, string name)
    {
        var record = await SingleAsync("protocol", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(name, record.GetProperty("attributes").GetProperty("network.protocol.name").GetString());
    }

    [Fact]
    public async Task Unassigned_protocol_numbers_keep_the_number_only()
    {
        var record = await SingleAsync("protocol", "200");
        Assert.Equal(200, record.GetProperty("attributes").GetProperty("aws.vpc.flow.protocol").GetInt32());
        Assert.False(record.GetProperty("attributes").TryGetProperty("network.protocol.name", out _));
    }

    [Theory]
    [InlineData("say \"hi\"")]
    [InlineData("back\\slash")]
    [InlineData("tab\there")]
    [InlineData("bell\u0007ctl\u001f")]
    [InlineData("zürich-日本-🙂")]
    [InlineData("</script><!--")]
    public async Task Unknown_fields_with_hostile_text_stay_valid_JSON_and_round_trip(string value)
    {
        var record = await SingleAsync("version future-field", $"2 {value.Replace(' ', '_')}");
        Assert.Equal(value.Replace(' ', '_'), record.GetProperty("attributes").GetProperty("aws.vpc.flow.future_field").GetString());
    }

    [Fact]
    public async Task NAT_traffic_names_the_original_endpoints_and_the_local_address()
    {
        // From AWS's NAT gateway example: srcaddr is the NAT's address, pkt-srcaddr the instance behind it.
        var record = await SingleAsync("srcaddr dstaddr pkt-srcaddr pkt-dstaddr", "10.40.1.175 203.0.113.5 10.40.2.236 203.0.113.5");
        var attributes = record.GetProperty("attributes");
        Assert.Equal("10.40.2.236", attributes.GetProperty("source.address").GetString());
        Assert.Equal("10.40.1.175", attributes.GetProperty("network.local.address").GetString());
        Assert.Equal("203.0.113.5", attributes.GetProperty("destination.address").GetString());
    }

    [Fact]
    public async Task An_end_time_beyond_nanosecond_range_is_a_counted_skip()
    {
        var (summary, records, _) = await TestHelpers.RunTextAsync("srcaddr end\n10.0.0.1 18446744073709551615\n10.0.0.2 1763805960\n");
        Assert.Single(records);
        Assert.Equal(1, summary.SkippedByReason[FlowLogForwarder.Parsing.LineFault.TimestampOutOfRange]);
    }

    private const string FlowLogGeneratorHeader = FlowLogForwarder.TestSupport.FlowLogGenerator.DefaultHeader;
}
