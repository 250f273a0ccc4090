using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Tests.Parsing;

/// <summary>The rules a row of the field table must keep, so that adding a field stays adding a row.</summary>
public class FlowFieldsTests
{
    // Where a value goes when it is not an attribute of its own.
    private static readonly FlowFieldAction[] Placing =
    [
        FlowFieldAction.SourceAddress, FlowFieldAction.PacketSourceAddress, FlowFieldAction.DestinationAddress,
        FlowFieldAction.PacketDestinationAddress, FlowFieldAction.EndTime, FlowFieldAction.AccountResource, FlowFieldAction.RegionResource,
    ];

    [Fact]
    public void Names_and_attributes_are_unique()
    {
        Assert.Equal(FlowFields.All.Count, FlowFields.All.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count());
        var attributes = FlowFields.All.Where(f => f.Attribute is not null).Select(f => f.Attribute).ToList();
        Assert.Equal(attributes.Count, attributes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Each_action_belongs_to_one_field_because_the_writer_finds_its_column_by_action()
    {
        var actions = FlowFields.All.Where(f => f.Action != FlowFieldAction.None).Select(f => f.Action).ToList();
        Assert.Equal(actions.Count, actions.Distinct().Count());
    }

    [Fact]
    public void A_field_has_no_attribute_exactly_when_its_action_places_the_value_elsewhere()
    {
        Assert.All(FlowFields.All, f => Assert.Equal(f.Attribute is null, Placing.Contains(f.Action)));
    }

    [Fact]
    public void Integer_kinds_are_those_of_AWS_Parquet_schema()
    {
        string[] int32 = ["version", "srcport", "dstport", "protocol", "tcp-flags", "traffic-path"];
        string[] int64 = ["packets", "bytes", "start", "end", "packets-lost-no-route", "packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired"];
        Assert.All(FlowFields.All, f => Assert.Equal(
            int32.Contains(f.Name) ? FlowValueKind.Int32 : int64.Contains(f.Name) ? FlowValueKind.Int64 : FlowValueKind.Text, f.Kind));
    }

    [Theory]
    [InlineData("pkt-srcaddr", "pkt-srcaddr")]
    [InlineData("pkt_srcaddr", "pkt-srcaddr")]
    public void Both_spellings_find_the_row(string name, string expected)
    {
        var field = FlowFields.Lookup(name);
        Assert.True(field.IsKnown);
        Assert.Equal(expected, field.Name);
    }

    [Fact]
    public void A_field_newer_than_the_table_passes_through_as_text_under_a_collector_style_name()
    {
        var field = FlowFields.Lookup("future-field-x");
        Assert.False(field.IsKnown);
        Assert.Equal("future-field-x", field.Name);
        Assert.Equal(FlowValueKind.Text, field.Kind);
        Assert.Equal("aws.vpc.flow.future_field_x", field.Attribute);
        Assert.Equal(FlowFieldAction.None, field.Action);
    }
}
