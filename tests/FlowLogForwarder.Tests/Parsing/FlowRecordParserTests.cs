using FlowLogForwarder.TestSupport;
using System.Text;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Tests.Parsing;

public class FlowRecordParserTests
{
    // Every field of versions 2 to 8, in AWS's documented order, with a value for each.
    private static FlowRecordParser ParserFor(string header) => new(FlowLogHeader.Parse(header));

    [Fact]
    public void Every_field_of_versions_2_to_8_is_known_and_read_from_its_column()
    {
        var header = string.Join(' ', AllFieldsRecord.Fields.Select(f => f.Name));
        var line = string.Join(' ', AllFieldsRecord.Fields.Select(f => f.Value));
        var parser = ParserFor(header);

        Assert.All(parser.Header.Fields, field => Assert.True(field.IsKnown, field.Name));
        // The field table: the VPC fields in AWS's order, then the transit gateway fields VPC flow logs lack.
        var vpc = AllFieldsRecord.Fields.Select(f => f.Name).ToList();
        Assert.Equal(vpc.Concat(TransitGatewayRecord.Fields.Select(f => f.Name).Except(vpc, StringComparer.Ordinal)), FlowFields.All.Select(f => f.Name));
        var bytes = Encoding.ASCII.GetBytes(line);
        Assert.Equal(LineFault.None, parser.Parse(bytes, out var record));
        foreach (var field in parser.Header.Fields)
        {
            var expected = AllFieldsRecord.Fields.Single(f => f.Name == field.Name).Value;
            Assert.True(record.TryGet(field.Name, out var raw), field.Name);
            Assert.Equal(expected, Encoding.ASCII.GetString(raw));
            if (field.IsNumber)
            {
                Assert.True(record.TryGetNumber(field.Name, out var number));
                Assert.Equal(ulong.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), number);
            }
        }
    }

    [Fact]
    public void Every_field_of_a_transit_gateway_record_is_known_and_the_lost_packet_counters_are_numbers()
    {
        var parser = ParserFor(TransitGatewayRecord.Header);
        Assert.All(parser.Header.Fields, field => Assert.True(field.IsKnown, field.Name));
        Assert.Equal(LineFault.None, parser.Parse(Encoding.ASCII.GetBytes(TransitGatewayRecord.Line), out var record));
        Assert.True(record.TryGetNumber("packets-lost-blackhole", out var lost));
        Assert.Equal(3UL, lost);
        Assert.Equal(LineFault.BadNumber, parser.Parse(Encoding.ASCII.GetBytes(TransitGatewayRecord.Line.Replace(" 3 1 0 ", " three 1 0 ", StringComparison.Ordinal)), out _));
        Assert.Equal("packets-lost-blackhole", parser.Header.Names[parser.FaultColumn]);
    }

    [Fact]
    public void Field_order_comes_from_the_header_not_a_fixed_list()
    {
        var shuffled = AllFieldsRecord.Fields.OrderBy(f => f.Name.GetHashCode(StringComparison.Ordinal) ^ 0x5bd1e995).ToArray();
        Assert.NotEqual(AllFieldsRecord.Fields.Select(f => f.Name), shuffled.Select(f => f.Name));
        var parser = ParserFor(string.Join(' ', shuffled.Select(f => f.Name)));

        Assert.Equal(LineFault.None, parser.Parse(Encoding.ASCII.GetBytes(string.Join(' ', shuffled.Select(f => f.Value))), out var record));
        Assert.True(record.TryGetNumber("dstport", out var port));
        Assert.Equal(5432UL, port);
        Assert.True(record.TryGet("interface-id", out var eni));
        Assert.Equal("eni-0c3d4e5f6a7b8c9d0", Encoding.ASCII.GetString(eni));
    }

    [Fact]
    public void Unknown_fields_are_kept_as_columns()
    {
        var parser = ParserFor("version srcaddr future-field-x end");
        Assert.False(parser.Header.Fields[2].IsKnown);
        Assert.Equal("future-field-x", parser.Header.Names[2]);
        Assert.Equal(LineFault.None, parser.Parse("2 10.0.0.1 some-value 1763805960"u8, out var record));
        Assert.Equal("some-value", Encoding.ASCII.GetString(record.Raw(2)));
    }

    [Fact]
    public void A_dash_means_absent_even_in_numeric_fields()
    {
        var parser = ParserFor("version srcport packets log-status");
        Assert.Equal(LineFault.None, parser.Parse("2 - - NODATA"u8, out var record));
        Assert.False(record.TryGetNumber("srcport", out _));
        Assert.False(record.TryGet("packets", out _));
        Assert.True(record.TryGet("log-status", out var status));
        Assert.Equal("NODATA", Encoding.ASCII.GetString(status));
    }

    [Theory]
    [InlineData("9223372036854775807", 9223372036854775807UL)]
    [InlineData("9223372036854775808", 9223372036854775808UL)]
    [InlineData("18446744073709551615", 18446744073709551615UL)]
    [InlineData("0", 0UL)]
    public void Sixty_four_bit_counters_parse_up_to_their_edges(string value, ulong expected)
    {
        var parser = ParserFor("packets bytes");
        Assert.Equal(LineFault.None, parser.Parse(Encoding.ASCII.GetBytes($"{value} {value}"), out var record));
        Assert.True(record.TryGetNumber("bytes", out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("18446744073709551616")]
    [InlineData("-1")]
    [InlineData("12x")]
    [InlineData("1.5")]
    [InlineData("+7")]
    [InlineData("0x10")]
    public void A_bad_number_is_a_fault_naming_its_column(string value)
    {
        var parser = ParserFor("srcaddr bytes action");
        Assert.Equal(LineFault.BadNumber, parser.Parse(Encoding.ASCII.GetBytes($"10.0.0.1 {value} ACCEPT"), out _));
        Assert.Equal(1, parser.FaultColumn);
    }

    [Theory]
    [InlineData("2 10.0.0.1")]
    [InlineData("2 10.0.0.1 ACCEPT extra")]
    [InlineData("")]
    public void A_line_with_the_wrong_number_of_fields_is_a_fault(string line)
    {
        var parser = ParserFor("version srcaddr action");
        Assert.Equal(LineFault.FieldCount, parser.Parse(Encoding.ASCII.GetBytes(line), out _));
    }

    [Fact]
    public void IPv6_addresses_are_read_whole()
    {
        var parser = ParserFor("srcaddr dstaddr type");
        Assert.Equal(LineFault.None, parser.Parse("2001:db8:1234:1a00::10 fe80::1ff:fe23:4567:890a IPv6"u8, out var record));
        Assert.True(record.TryGet("dstaddr", out var dst));
        Assert.Equal("fe80::1ff:fe23:4567:890a", Encoding.ASCII.GetString(dst));
    }

    [Fact]
    public void Runs_of_spaces_separate_fields_like_one_space()
    {
        var parser = ParserFor("version  srcaddr action ");
        Assert.Equal(3, parser.Header.ColumnCount);
        Assert.Equal(LineFault.None, parser.Parse("2  10.0.0.1   ACCEPT "u8, out var record));
        Assert.True(record.TryGet("action", out var action));
        Assert.Equal("ACCEPT", Encoding.ASCII.GetString(action));
    }
}
