using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.Pipeline;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Testing;

namespace FlowLogForwarder.Tests.Cli;

/// <summary>The terminal display, rendered by Spectre's test console.</summary>
public class RunDisplayTests
{
    private static TestConsole Console() => new TestConsole().Width(160);

    private static ForwardingSummary Summary(string key, ObjectOutcome outcome, long failed = 0, string? error = null) => new()
    {
        ObjectKey = key,
        Outcome = outcome,
        Error = error,
        RecordsFailed = failed,
        RecordsSkipped = 2,
        BytesIn = 2048,
        SkippedByReason = new Dictionary<LineFault, long>(),
        SkippedSamples = [],
    };

    private static RunStats Running(FakeTimeProvider time)
    {
        var stats = new RunStats(time) { Title = "Backfill s3://b/AWSLogs/" };
        stats.AddToTotal(10);
        stats.BatchAcknowledged(records: 1_234, wireBytes: 3 * 1024 * 1024, retries: 2);
        stats.ObjectRead(Summary("a.log.gz", ObjectOutcome.Completed), failed: false);
        stats.ObjectSkipped();
        stats.ObjectRead(Summary("bad.log.gz", ObjectOutcome.Failed, failed: 7, error: "the endpoint answered 503"), failed: true);
        time.Advance(TimeSpan.FromSeconds(2));
        return stats;
    }

    [Fact]
    public void The_live_block_shows_objects_records_rate_bytes_retries_and_failures()
    {
        var console = Console();
        var stats = Running(new FakeTimeProvider());

        console.Write(RunDisplay.Progress(stats));

        var text = console.Output;
        Assert.Contains("Backfill s3://b/AWSLogs/", text, StringComparison.Ordinal);
        Assert.Contains("3/10+ (listing) objects", text, StringComparison.Ordinal); // the total is not final yet
        Assert.Contains("1 failed", text, StringComparison.Ordinal);
        Assert.Contains("1,234 records", text, StringComparison.Ordinal);
        Assert.Contains("617/s", text, StringComparison.Ordinal); // 1,234 records in 2 s
        Assert.Contains("4.0 KiB read", text, StringComparison.Ordinal);
        Assert.Contains("3.0 MiB sent", text, StringComparison.Ordinal);
        Assert.Contains("2 retries", text, StringComparison.Ordinal);

        stats.TotalIsKnown();
        var final = Console();
        final.Write(RunDisplay.Progress(stats));
        Assert.Contains("3/10 objects", final.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_is_a_table_then_one_line_per_failure_and_the_warnings()
    {
        var console = Console();
        var stats = Running(new FakeTimeProvider());
        stats.Warn("the endpoint refused gzip; sending uncompressed");

        RunDisplay.WriteSummary(console, stats);

        var lines = console.Lines;
        Assert.Contains(lines, l => l.Contains("Records forwarded", StringComparison.Ordinal) && l.Contains("1,234", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("skipped (already delivered)", StringComparison.Ordinal) && l.Contains('1'));
        Assert.Contains(lines, l => l.Contains("not started", StringComparison.Ordinal) && l.Contains('7'));
        Assert.Contains(lines, l => l.Contains("Records not delivered", StringComparison.Ordinal) && l.Contains('7'));
        Assert.Contains("✗ bad.log.gz: the endpoint answered 503", lines);
        Assert.Contains("warning: the endpoint refused gzip; sending uncompressed", lines);
        Assert.DoesNotContain(lines, l => l.Contains("\"objectKey\"", StringComparison.Ordinal)); // the detail is for --verbose
    }

    [Fact]
    public void Only_the_first_twenty_failures_are_kept_and_verbose_adds_their_summaries()
    {
        var stats = new RunStats(new FakeTimeProvider()) { Title = "t" };
        for (var i = 0; i < 2_500; i++)
        {
            stats.ObjectRead(Summary($"o{i}.log.gz", ObjectOutcome.Unreadable, error: "not a flow log"), failed: true);
        }

        Assert.Equal(2_500, stats.ObjectsFailed); // every failure counted...
        Assert.Equal(RunStats.FailuresKept, stats.Failures.Count); // ...the first twenty kept, with their summaries
        Assert.Equal("o19.log.gz", stats.Failures.Last().Name);

        var brief = Console();
        RunDisplay.WriteSummary(brief, stats);
        Assert.Equal(20, brief.Lines.Count(l => l.StartsWith('✗') && l.EndsWith("not a flow log", StringComparison.Ordinal)));
        Assert.Contains("✗ and 2,480 more", brief.Lines);
        Assert.DoesNotContain(brief.Lines, l => l.Contains("\"objectKey\"", StringComparison.Ordinal));

        var verbose = Console();
        RunDisplay.WriteSummary(verbose, stats, verbose: true);
        Assert.Equal(21, verbose.Lines.Count(l => l.StartsWith('✗')));
        Assert.Contains(verbose.Lines, l => l.Contains("\"objectKey\":\"o19.log.gz\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_under_the_live_display_answers_its_result_and_ends_with_the_summary()
    {
        var console = Console().Interactive().EmitAnsiSequences();
        var stats = new RunStats(TimeProvider.System) { Title = "Send 2 file(s)" };
        stats.AddToTotal(2);
        stats.TotalIsKnown();

        var result = await RunDisplay.RunAsync(console, stats, async () =>
        {
            stats.BatchAcknowledged(500, 1000, 0);
            stats.Completed();
            await Task.Delay(450); // long enough for the display to redraw at least once
            stats.BatchAcknowledged(500, 1000, 0);
            stats.Completed();
            return 42;
        });

        Assert.Equal(42, result);
        Assert.Contains("1/2 objects", console.Output, StringComparison.Ordinal); // a redraw while it ran
        Assert.Contains("2/2 objects", console.Output, StringComparison.Ordinal);
        Assert.Contains("Records forwarded", console.Output, StringComparison.Ordinal);
        Assert.Contains("1,000", console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(5L * 1024 * 1024, "5.0 MiB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.00 GiB")]
    public void Sizes_read_in_binary_units(long bytes, string expected) => Assert.Equal(expected, RunDisplay.Size(bytes));
}
