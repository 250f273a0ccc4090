using System.Text;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Pipeline;

/// <summary>Objects that are not what they claim: each gets a specific outcome, and records before the fault are delivered.</summary>
public class BadInputTests
{
    private static string Lines(int count) =>
        FlowLogGenerator.DefaultHeader + "\n" + string.Concat(Enumerable.Range(0, count).Select(i => FlowLogGenerator.Line(i) + "\n"));

    [Fact]
    public async Task A_gzip_object_truncated_mid_stream_is_unreadable_after_delivering_what_came_before()
    {
        var gzip = TestHelpers.Gzip(Lines(20_000)).ToArray();
        var truncated = gzip.AsSpan(0, gzip.Length * 2 / 3).ToArray();

        var (summary, records, _) = await TestHelpers.RunAsync(new MemoryStream(truncated), new PipelineOptions { MaxBatchRecords = 500 });

        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.Contains("truncated", summary.Error, StringComparison.Ordinal);
        Assert.InRange(records.Count, 5_000, 19_999);
        Assert.Equal(Enumerable.Range(0, records.Count).Select(i => (long)i),
            records.Select(r => r.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64()));
    }

    [Fact]
    public async Task A_binary_object_is_unreadable_with_no_record_sent()
    {
        var random = new Random(7);
        var bytes = new byte[200_000];
        random.NextBytes(bytes);
        bytes[0] = 0x7f; // not the gzip magic: read as text
        var (summary, records, _) = await TestHelpers.RunAsync(new MemoryStream(bytes));
        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.Contains("not a flow log header", summary.Error, StringComparison.Ordinal);
        Assert.Empty(records);
    }

    [Fact]
    public async Task A_gzipped_binary_payload_is_unreadable()
    {
        var random = new Random(8);
        var bytes = new byte[100_000];
        random.NextBytes(bytes);
        var (summary, records, _) = await TestHelpers.RunAsync(TestHelpers.Gzip(Encoding.Latin1.GetString(bytes)));
        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.Empty(records);
    }

    [Fact]
    public async Task Invalid_UTF8_in_the_first_line_is_a_counted_skip_and_the_records_after_it_are_forwarded()
    {
        var bytes = new byte[] { (byte)'v', 0xff, (byte)'\n' }.Concat(Encoding.UTF8.GetBytes(FlowLogGenerator.Line(0) + "\n")).ToArray();
        var (summary, records, _) = await TestHelpers.RunAsync(new MemoryStream(bytes));
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Single(records);
        Assert.Equal(1, summary.SkippedByReason[LineFault.InvalidUtf8]);
    }

    [Fact]
    public async Task Every_skip_reason_is_counted_and_the_rest_delivered_in_one_object()
    {
        var text = FlowLogGenerator.DefaultHeader + "\n"
            + FlowLogGenerator.Line(0) + "\n"
            + "2 123456789012 eni-1 10.0.0.1\n"                                               // field count
            + FlowLogGenerator.Line(1).Replace(" 1763805900 ", " 17638x5900 ", StringComparison.Ordinal) + "\n" // bad number
            + new string('x', 100_000) + "\n"                                                  // too long
            + FlowLogGenerator.Line(2) + "\n";
        var (summary, records, _) = await TestHelpers.RunTextAsync(text, new PipelineOptions { MaxLineBytes = 4096 });
        Assert.Equal(2, records.Count);
        Assert.Equal(3, summary.RecordsSkipped);
        Assert.Equal(new[] { LineFault.FieldCount, LineFault.BadNumber, LineFault.LineTooLong }, summary.SkippedSamples.Select(s => s.Reason));
        Assert.Equal(new long[] { 3, 4, 5 }, summary.SkippedSamples.Select(s => s.Line));
    }
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(13)]
    [InlineData(4000)]
    [InlineData(100_000)]
    public async Task Junk_after_a_complete_gzip_member_is_reported_as_ignored_bytes_not_as_truncation(int junkLength)
    {
        var gzip = TestHelpers.Gzip(Lines(1_000)).ToArray();
        var junk = Enumerable.Range(0, junkLength).Select(i => (byte)(i % 7 == 0 ? 0 : 'J' + i % 5)).ToArray();

        var (summary, records, _) = await TestHelpers.RunAsync(new MemoryStream([.. gzip, .. junk]));

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Null(summary.Error);
        Assert.Equal(1_000, records.Count);
        Assert.Equal(junkLength, summary.TrailingBytesIgnored);
    }

    [Fact]
    public async Task A_well_formed_gzip_object_ignores_no_trailing_bytes()
    {
        var (summary, _, _) = await TestHelpers.RunAsync(TestHelpers.Gzip(Lines(10)));
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(0, summary.TrailingBytesIgnored);
    }

    [Theory]
    [InlineData("9223372037")]   // one second past what int64 nanoseconds can hold
    [InlineData("17638059600")]  // ten times a real timestamp: a digit too many
    [InlineData("18446744073")]  // fits unsigned nanoseconds, not SigNoz's signed parser
    public async Task An_end_time_beyond_int64_nanoseconds_is_skipped_with_its_own_reason(string end)
    {
        var text = FlowLogGenerator.DefaultHeader + "\n"
            + FlowLogGenerator.Line(0) + "\n"
            + FlowLogGenerator.Line(1).Replace(" 1763805960 ", $" {end} ", StringComparison.Ordinal) + "\n"
            + FlowLogGenerator.Line(2).Replace(" 1763805960 ", " 9223372036 ", StringComparison.Ordinal) + "\n";

        var (summary, records, _) = await TestHelpers.RunTextAsync(text);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        var skipped = Assert.Single(summary.SkippedSamples);
        Assert.Equal((3L, LineFault.TimestampOutOfRange), (skipped.Line, skipped.Reason));
        Assert.Equal(2, records.Count);
        Assert.Equal(9_223_372_036_000_000_000, records[1].GetProperty("timestamp").GetInt64()); // the largest that fits
    }
    [Fact]
    public async Task A_single_member_object_cut_anywhere_is_never_reported_complete()
    {
        var gzip = TestHelpers.Gzip(Lines(20_000)).ToArray();
        var random = new Random(11);
        for (var i = 0; i < 40; i++)
        {
            var cut = random.Next(gzip.Length / 10, gzip.Length - 1);
            var (summary, _, _) = await TestHelpers.RunAsync(new MemoryStream(gzip[..cut]), new PipelineOptions { MaxBatchRecords = 5_000 });
            Assert.True(summary.Outcome == ObjectOutcome.Unreadable, $"cut at {cut} of {gzip.Length}: {summary.Outcome}");
        }
    }

    [Fact]
    public async Task Concatenated_gzip_members_are_read_whole_and_complete()
    {
        byte[] both = [.. TestHelpers.Gzip(Lines(3_000)).ToArray(), .. TestHelpers.Gzip(string.Concat(Enumerable.Range(3_000, 500).Select(i => FlowLogGenerator.Line(i) + "\n"))).ToArray()];

        var (summary, records, _) = await TestHelpers.RunAsync(new MemoryStream(both));

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(3_500, records.Count);
    }
}
