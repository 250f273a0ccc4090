using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Tests.Mapping;

/// <summary>network.type: the type column lower-cased when the format has one; else derived from the address, as
/// Elastic's VPC flow log pipeline does (':' is IPv6, '.' IPv4); never invented for a record without an address.</summary>
public class NetworkTypeTests
{
    private const string V2 = FlowLogHeader.DefaultFormat;

    private static async Task<System.Text.Json.JsonElement> AttributesAsync(string text, AttributeNaming naming = AttributeNaming.OpenTelemetry)
    {
        var (summary, records, _) = await TestHelpers.RunTextAsync(text, new PipelineOptions { Naming = naming });
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        return Assert.Single(records).GetProperty("attributes");
    }

    private static string? TypeOf(System.Text.Json.JsonElement attributes) =>
        attributes.TryGetProperty("network.type", out var type) ? type.GetString() : null;

    [Theory]
    [InlineData("2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 443 6 1 40 1763805900 1763805960 ACCEPT OK", "ipv4")]
    [InlineData("2 123456789012 eni-1 2001:db8::1 2001:db8::2 443 443 6 1 40 1763805900 1763805960 ACCEPT OK", "ipv6")]
    [InlineData("2 123456789012 eni-1 - - - - - - - 1763805900 1763805960 - NODATA", null)]
    public async Task A_format_without_a_type_column_gets_it_from_the_address(string line, string? expected) =>
        Assert.Equal(expected, TypeOf(await AttributesAsync(V2 + "\n" + line + "\n")));

    [Fact]
    public async Task The_type_column_wins_over_the_address()
    {
        // An IPv6 flow's record says IPv6; the column is what is written, lower-cased, and nothing is derived.
        var attributes = await AttributesAsync("version srcaddr dstaddr type end\n3 10.0.0.1 10.0.0.2 IPv6 1763805960\n");
        Assert.Equal("ipv6", TypeOf(attributes));
    }

    [Fact]
    public async Task AWS_naming_writes_the_fields_as_they_are_and_derives_nothing()
    {
        var attributes = await AttributesAsync(V2 + "\n2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 443 6 1 40 1763805900 1763805960 ACCEPT OK\n", AttributeNaming.Aws);
        Assert.Null(TypeOf(attributes));
        Assert.False(attributes.TryGetProperty("type", out _));
    }
}
