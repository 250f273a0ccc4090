using System.IO.Compression;
using System.Text;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using static FlowLogForwarder.Tests.TestHelpers;

namespace FlowLogForwarder.Tests.Pipeline;

public class FlowLogPipelineTests
{
    private const string Header = FlowLogGenerator.DefaultHeader;

    [Fact]
    public async Task CRLF_line_ends_and_a_missing_final_newline_are_tolerated()
    {
        var text = Header + "\n" + Lines(0, 3) + FlowLogGenerator.Line(3);
        var (summary, records, _) = await TestHelpers.RunAsync(TestHelpers.Gzip(text, crlf: true));
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal([0, 1, 2, 3], Packets(records));
        Assert.All(records, r => Assert.DoesNotContain('\r', r.GetProperty("body").GetString()!));
    }

    [Fact]
    public async Task An_empty_object_completes_with_no_records()
    {
        var (summary, records, sink) = await TestHelpers.RunAsync(TestHelpers.Gzip(""));
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Empty(records);
        Assert.Empty(sink.Batches);
        Assert.Equal(0, summary.Lines);
    }

    [Fact]
    public async Task A_header_only_object_completes_with_no_records()
    {
        var (summary, records, _) = await TestHelpers.RunTextAsync(Header + "\n");
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Empty(records);
        Assert.Equal(1, summary.Lines);
    }

    [Fact]
    public async Task Malformed_lines_mid_object_are_counted_with_line_numbers_and_the_rest_is_delivered()
    {
        var text = Header + "\n" + Lines(0, 2)
            + "2 123456789012 eni-1 10.0.0.1 10.0.0.2 443\n" // line 4: too few fields
            + Lines(2, 2)
            + FlowLogGenerator.Line(4).Replace(" 6 ", " six ", StringComparison.Ordinal) + "\n" // line 7: protocol not a number
            + "\n" // blank, ignored
            + Lines(5, 2);
        var (summary, records, _) = await TestHelpers.RunTextAsync(text);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal([0, 1, 2, 3, 5, 6], Packets(records));
        Assert.Equal(6, summary.RecordsForwarded);
        Assert.Equal(2, summary.RecordsSkipped);
        Assert.Equal(1, summary.SkippedByReason[LineFault.FieldCount]);
        Assert.Equal(1, summary.SkippedByReason[LineFault.BadNumber]);
        Assert.Equal([new SkippedLine(4, LineFault.FieldCount, null), new SkippedLine(7, LineFault.BadNumber, "protocol")], summary.SkippedSamples);
        Assert.Equal(1, summary.BlankLines);
    }

    [Fact]
    public async Task Concatenated_gzip_members_are_read_as_one_object()
    {
        var output = new MemoryStream();
        foreach (var part in new[] { Header + "\n" + Lines(0, 2), Lines(2, 3) })
        {
            using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
            gzip.Write(Encoding.UTF8.GetBytes(part));
        }
        output.Position = 0;
        var length = output.Length;
        var (summary, records, _) = await TestHelpers.RunAsync(output);
        Assert.Equal([0, 1, 2, 3, 4], Packets(records));
        Assert.Equal(length, summary.BytesIn);
    }

    [Fact]
    public async Task Plain_text_objects_are_read_without_decompression()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "\n" + Lines(0, 3));
        var (summary, records, _) = await TestHelpers.RunAsync(new MemoryStream(bytes));
        Assert.Equal([0, 1, 2], Packets(records));
        Assert.Equal(bytes.Length, summary.BytesDecompressed);
    }

    [Fact]
    public async Task A_first_line_that_is_neither_a_header_nor_a_record_is_a_counted_skip_and_the_rest_is_forwarded()
    {
        var (summary, records, _) = await TestHelpers.RunTextAsync("this is not a flow log\n" + Lines(0, 3));
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal([0, 1, 2], Packets(records));
        Assert.Equal(1, summary.RecordsSkipped);
        Assert.Equal(1, Assert.Single(summary.SkippedSamples).Line);
    }

    [Fact]
    public async Task An_object_of_which_no_line_is_a_header_or_a_record_in_the_format_is_unreadable_and_says_why()
    {
        var (summary, records, _) = await TestHelpers.RunTextAsync("this is not a flow log\nnor is this line\n");
        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.Contains("line 1: not a flow log header", summary.Error, StringComparison.Ordinal);
        Assert.EndsWith("nor is it a record in the configured format (14 fields, FLOWLOG_FORMAT): 'version' is not a number; no line of the object is", summary.Error, StringComparison.Ordinal);
        Assert.Empty(records);
        Assert.Equal(2, summary.RecordsSkipped);
    }

    [Fact]
    public async Task A_resumed_headerless_object_whose_remaining_lines_are_bad_is_not_called_unreadable()
    {
        var sink = new CollectingSink();
        var pipeline = new FlowLogPipeline(sink, new PipelineOptions(), TimeProvider.System);
        var summary = await pipeline.ForwardAsync(TestHelpers.Gzip(Lines(0, 2) + "garbage line\n"), FlowLogSource.FromKey(null, "x.log.gz"),
            CancellationToken.None, resumeAfterLine: 2);
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(1, summary.RecordsSkipped);
    }

    [Fact]
    public async Task Corrupt_gzip_mid_object_delivers_the_records_before_the_fault()
    {
        var gzip = TestHelpers.Gzip(Header + "\n" + Lines(0, 20000)).ToArray();
        // Damage the deflate data well past the start: the earlier records decompress fine.
        for (var i = gzip.Length / 2; i < gzip.Length / 2 + 64; i++)
        {
            gzip[i] ^= 0x5a;
        }
        var (summary, records, _) = await TestHelpers.RunAsync(new MemoryStream(gzip), new PipelineOptions { MaxBatchRecords = 500 });
        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.Contains("corrupt gzip", summary.Error, StringComparison.Ordinal);
        Assert.NotEmpty(records);
        Assert.Equal(Enumerable.Range(0, records.Count).Select(i => (long)i), Packets(records));
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_is_skipped_without_being_buffered()
    {
        var huge = "2 123456789012 eni-1 " + new string('9', 3 * 1024 * 1024) + "\n";
        var text = Header + "\n" + Lines(0, 2) + huge + Lines(2, 2);
        var (summary, records, _) = await TestHelpers.RunTextAsync(text, new PipelineOptions { MaxLineBytes = 4096 });
        Assert.Equal([0, 1, 2, 3], Packets(records));
        Assert.Equal(1, summary.SkippedByReason[LineFault.LineTooLong]);
        Assert.Equal(4, summary.SkippedSamples.Single().Line);
    }

    [Fact]
    public async Task Invalid_UTF8_lines_are_counted_and_skipped()
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(Header + "\n" + Lines(0, 1)));
        bytes.AddRange(Encoding.UTF8.GetBytes("2 123456789012 eni-"));
        bytes.AddRange(new byte[] { 0xff, 0xfe, 0xc3 });
        bytes.AddRange(Encoding.UTF8.GetBytes(FlowLogGenerator.Line(1)[19..] + "\n" + Lines(2, 1)));
        var (summary, records, _) = await TestHelpers.RunAsync(new MemoryStream([.. bytes]));
        Assert.Equal([0, 2], Packets(records));
        Assert.Equal(1, summary.SkippedByReason[LineFault.InvalidUtf8]);
    }

    [Fact]
    public async Task The_summary_counts_bytes_batches_and_progress()
    {
        var gzip = TestHelpers.Gzip(Header + "\n" + Lines(0, 1000));
        var length = gzip.Length;
        var (summary, _, sink) = await TestHelpers.RunAsync(gzip, new PipelineOptions { MaxBatchRecords = 300 });
        Assert.Equal(1000, summary.RecordsRead);
        Assert.Equal(1000, summary.RecordsForwarded);
        Assert.Equal(4, summary.Batches);
        Assert.Equal(length, summary.BytesIn);
        Assert.Equal(sink.Batches.Sum(b => (long)b.Length), summary.BytesJson);
        Assert.Equal(summary.BytesJson, summary.BytesOut); // a sink that reports no wire size sent the JSON as it is
        Assert.Equal(1001, summary.AcknowledgedThroughLine);
    }
}
