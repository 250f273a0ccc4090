using FlowLogForwarder.Configuration;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Parsing;

/// <summary>FLOWLOG_FORMAT takes AWS's format string, as a flow log's LogFormat shows it.</summary>
public class FlowLogFormatTests
{
    [Fact]
    public void AWS_default_format_is_the_version_2_header()
    {
        var layout = FlowLogFormat.Parse(FlowLogFormat.AwsDefault);
        Assert.Equal(FlowLogHeader.DefaultFormat.Split(' '), layout.Names);
        Assert.Same(ForwarderDefaults.FormatLayout, new FlowLogForwarder.Pipeline.PipelineOptions().HeaderlessLayout);
    }

    [Fact]
    public void A_transit_gateway_format_with_extra_spaces_and_an_unknown_field_is_accepted()
    {
        var format = "  " + string.Join("  ", TransitGatewayRecord.Fields.Select(f => "${" + f.Name + "}")) + " ${field-of-2030}\t";
        var layout = FlowLogFormat.Parse(format);
        Assert.Equal(TransitGatewayRecord.Fields.Length + 1, layout.ColumnCount);
        Assert.False(layout.Fields[^1].IsKnown);
        Assert.Equal("aws.vpc.flow.field_of_2030", layout.Fields[^1].Attribute);
    }

    [Theory]
    [InlineData("", "names no field")]
    [InlineData("version account-id", "'version' is not a field written as ${name}")]
    [InlineData("${version} ${srcaddr", "'${srcaddr' is not a field written as ${name}")]
    [InlineData("${version},${srcaddr}", "is not a field written as ${name}")]
    [InlineData("${} ${srcaddr}", "'${}' is not a field written as ${name}")]
    [InlineData("${Version} ${srcaddr}", "field 1 is not a field name")]
    [InlineData("${srcaddr} ${srcaddr}", "field 'srcaddr' appears twice")]
    [InlineData("${foo} ${bar}", "none of its fields is a known flow log field")]
    public void A_malformed_format_says_what_is_wrong(string format, string expected)
    {
        Assert.False(FlowLogFormat.TryParse(format, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_loader_refuses_a_malformed_FLOWLOG_FORMAT_naming_the_variable_and_applies_a_good_one()
    {
        ForwarderOptions Load(string? format, string? flag = null) => ForwarderOptions.Load(
            n => n == "FLOWLOG_FORMAT" ? format : null, new ConfigurationOverrides { Format = flag }, requireEndpoint: false);

        var error = Assert.Throws<ConfigurationException>(() => Load("version srcaddr"));
        Assert.Equal("FLOWLOG_FORMAT", error.Variable);
        Assert.Contains("is not a flow log format", error.Message, StringComparison.Ordinal);

        Assert.Equal(["srcaddr", "dstaddr"], Load("${srcaddr} ${dstaddr}").Pipeline.HeaderlessLayout.Names);
        Assert.Same(ForwarderDefaults.FormatLayout, Load(null).Pipeline.HeaderlessLayout);
        // The flag wins over the variable, and is named when it is the one at fault.
        Assert.Equal(["dstaddr"], Load("${srcaddr}", "${dstaddr}").Pipeline.HeaderlessLayout.Names);
        Assert.Equal("--format", Assert.Throws<ConfigurationException>(() => Load(null, "dstaddr")).Variable);
    }
}
