using System.Text;
using FlowLogForwarder.Events;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Reading;
using FlowLogForwarder.TestSupport;
using static FlowLogForwarder.Tests.TestHelpers;

namespace FlowLogForwarder.Tests.Pipeline;

/// <summary>Objects without a header line (CloudWatch exports, Firehose deliveries, hand-made files) are read in the
/// configured format; the first line's content decides, and a header line still wins.</summary>
public class HeaderlessObjectTests
{
    [Fact]
    public async Task An_object_without_a_header_is_read_in_AWS_default_format_and_its_first_line_is_record_1()
    {
        var text = Lines(0, 2) + "2 123456789012 eni-1 10.0.0.1 10.0.0.2 443\n" + Lines(2, 2);
        var (summary, records, _) = await TestHelpers.RunTextAsync(text);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal([0, 1, 2, 3], Packets(records));
        Assert.Equal(FlowLogGenerator.Line(0), records[0].GetProperty("body").GetString());
        // Line numbers count from the first record: the bad line is line 3, and the last record line 5.
        Assert.Equal(3, Assert.Single(summary.SkippedSamples).Line);
        Assert.Equal(5, summary.AcknowledgedThroughLine);
        Assert.Equal(4, summary.RecordsForwarded);
    }

    [Fact]
    public async Task A_header_line_wins_over_the_configured_format()
    {
        var options = new PipelineOptions { HeaderlessLayout = FlowLogFormat.Parse("${srcaddr} ${dstaddr}") };
        var (summary, records, _) = await TestHelpers.RunTextAsync(FlowLogGenerator.DefaultHeader + "\n" + Lines(0, 3), options);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal([0, 1, 2], Packets(records));
        Assert.Equal(4, summary.AcknowledgedThroughLine);
    }

    [Fact]
    public async Task A_custom_format_maps_its_fields_and_passes_unknown_ones_through()
    {
        var options = new PipelineOptions { HeaderlessLayout = FlowLogFormat.Parse("${interface-id} ${srcaddr} ${dstaddr} ${bytes} ${end} ${future-field} ${action}") };
        var (summary, records, _) = await TestHelpers.RunTextAsync("eni-0abc 10.0.0.5 2001:db8::9 512 1763805960 x1 REJECT\n", options);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        var record = Assert.Single(records);
        var attributes = record.GetProperty("attributes");
        Assert.Equal("eni-0abc", attributes.GetProperty("network.interface.name").GetString());
        Assert.Equal(512, attributes.GetProperty("aws.vpc.flow.bytes").GetInt64());
        Assert.Equal("x1", attributes.GetProperty("aws.vpc.flow.future_field").GetString());
        Assert.Equal("ipv4", attributes.GetProperty("network.type").GetString()); // from the source address
        Assert.Equal(1763805960_000_000_000, record.GetProperty("timestamp").GetInt64());
        Assert.Equal("WARN", record.GetProperty("severity_text").GetString());
    }

    [Fact]
    public async Task Resuming_a_headerless_object_skips_exactly_the_delivered_records()
    {
        var sink = new CollectingSink();
        var pipeline = new FlowLogPipeline(sink, new PipelineOptions(), TimeProvider.System);
        var summary = await pipeline.ForwardAsync(TestHelpers.Gzip(Lines(0, 5)), FlowLogSource.FromKey(null, "x.log.gz"), CancellationToken.None, resumeAfterLine: 2);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal([2, 3, 4], Packets(sink.Records()));
        Assert.Equal(2, summary.LinesAlreadyDelivered);
        Assert.Equal(5, summary.AcknowledgedThroughLine);
    }

    [Fact]
    public async Task A_first_line_that_does_not_fit_the_format_is_a_skip_naming_the_field_and_the_rest_is_forwarded()
    {
        var (summary, records, _) = await TestHelpers.RunTextAsync(FlowLogGenerator.Line(2).Replace(" 6 ", " tcp ", StringComparison.Ordinal) + "\n" + Lines(3, 2));
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(2, records.Count);
        var skipped = Assert.Single(summary.SkippedSamples);
        Assert.Equal((1L, LineFault.BadNumber, "protocol"), (skipped.Line, skipped.Reason, skipped.Field));
    }

    [Fact]
    public async Task A_CloudWatch_message_that_reads_like_a_header_is_a_bad_record_not_the_layout()
    {
        CloudWatchLogEvent[] events =
        [
            new("1", 0, FlowLogGenerator.DefaultHeader),
            new("2", 0, FlowLogGenerator.Line(7)),
            new("3", 0, FlowLogGenerator.Line(8)),
        ];
        var sink = new CollectingSink();
        var pipeline = new FlowLogPipeline(sink, new PipelineOptions(), TimeProvider.System);
        ForwardingSummary summary;
        await using (var source = new LogEventSource(events, maxLineBytes: 1024))
        {
            summary = await pipeline.ForwardAsync(source, FlowLogSource.FromKey(null, "delivery"), CancellationToken.None);
        }

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal([7L, 8L], sink.Records().Select(r => r.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64()));
        Assert.Equal(1, summary.RecordsSkipped);
        Assert.Equal(1, Assert.Single(summary.SkippedSamples).Line);
    }

    [Fact]
    public void The_content_rule_tells_a_record_from_a_header()
    {
        // A header names fields; a record's first token is a number and its addresses are not field names.
        Assert.True(FlowLogHeader.TryParse(Encoding.ASCII.GetBytes(FlowLogGenerator.DefaultHeader), out _, out _));
        Assert.False(FlowLogHeader.TryParse(Encoding.ASCII.GetBytes(FlowLogGenerator.Line(0)), out _, out _));
        Assert.False(FlowLogHeader.TryParse(Encoding.ASCII.GetBytes("eni-0abc 10.0.0.5 10.0.0.6 ACCEPT"), out _, out _));
    }
}
