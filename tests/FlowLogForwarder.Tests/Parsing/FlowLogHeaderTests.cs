using System.Text;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Tests.Parsing;

public class FlowLogHeaderTests
{
    [Theory]
    [InlineData("2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 80 6 1 40 1 2 ACCEPT OK", "column 1 is not a field name")]
    [InlineData("GET /index.html HTTP/1.1", "column 1 is not a field name")]
    [InlineData("foo bar baz", "none of its columns is a known flow log field")]
    [InlineData("version srcaddr srcaddr", "field 'srcaddr' appears twice")]
    [InlineData("   ", "the first line is empty")]
    public void A_line_that_is_not_a_flow_log_header_is_refused_with_the_reason(string line, string reason)
    {
        Assert.False(FlowLogHeader.TryParse(Encoding.UTF8.GetBytes(line), out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parquet_style_underscored_names_map_to_the_same_fields()
    {
        var header = FlowLogHeader.Parse("version account_id log_status pkt_src_aws_service");
        Assert.Equal(["version", "account-id", "log-status", "pkt-src-aws-service"], header.Fields.Select(f => f.Name));
        Assert.All(header.Fields, f => Assert.True(f.IsKnown));
        Assert.Equal(1, header.ColumnOf("account-id"));
    }

    [Fact]
    public void More_columns_than_any_format_defines_are_refused()
    {
        var line = "version " + string.Join(' ', Enumerable.Range(0, FlowLogHeader.MaxColumns).Select(i => $"x{i}"));
        Assert.False(FlowLogHeader.TryParse(Encoding.ASCII.GetBytes(line), out _, out var error));
        Assert.Contains("more than", error, StringComparison.Ordinal);
    }
}
