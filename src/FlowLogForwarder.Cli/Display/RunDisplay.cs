using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FlowLogForwarder.Cli.Display;

/// <summary>
/// The terminal view of a run: a live progress block (objects done of total, records and records/s, bytes, retries,
/// failures) redrawn while the work runs, then a summary table, the failures one line each, and any warnings.
/// </summary>
internal static class RunDisplay
{
    private const int BarWidth = 30;
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs <paramref name="work"/> under the live block, then writes the summary (with each failure's detail
    /// when <paramref name="verbose"/>); answers the work's result.</summary>
    public static async Task<T> RunAsync<T>(IAnsiConsole console, RunStats stats, Func<Task<T>> work, bool verbose = false)
    {
        Task<T>? running = null;
        await console.Live(Progress(stats)).StartAsync(async context =>
        {
            running = work();
            while (!running.IsCompleted)
            {
                await Task.WhenAny(running, Task.Delay(Refresh)).ConfigureAwait(false);
                context.UpdateTarget(Progress(stats));
            }
            context.UpdateTarget(Progress(stats)); // the final count stays on screen above the summary
        }).ConfigureAwait(false);
        var result = await running!.ConfigureAwait(false);
        WriteSummary(console, stats, verbose);
        return result;
    }

    /// <summary>The live block for the current totals.</summary>
    public static IRenderable Progress(RunStats stats)
    {
        var total = stats.ObjectsTotal;
        var done = stats.ObjectsDone;
        var filled = total == 0 ? 0 : (int)Math.Min(BarWidth, done * BarWidth / total);
        var bar = $"[green]{new string('━', filled)}[/][grey]{new string('━', BarWidth - filled)}[/]";
        var of = stats.TotalKnown ? Count(total) : $"{Count(total)}+ (listing)";
        var failed = stats.ObjectsFailed > 0 ? $"[red]{Count(stats.ObjectsFailed)} failed[/]" : "0 failed";
        return new Rows(
            new Markup($"[bold]{Markup.Escape(stats.Title)}[/]"),
            new Markup($"{bar} {Count(done)}/{of} objects · {failed}"),
            new Markup($"{Count(stats.RecordsForwarded)} records · {Count((long)stats.RecordsPerSecond)}/s · {Size(stats.BytesIn)} read · " +
                $"{Size(stats.BytesOut)} sent · {Count(stats.Retries)} retries · {Duration(stats.Elapsed)}"));
    }

    /// <summary>The summary table, then each failure on one line (the first few; all, with their detail, when
    /// <paramref name="verbose"/>), then the warnings.</summary>
    public static void WriteSummary(IAnsiConsole console, RunStats stats, bool verbose = false)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Result").AddColumn(new TableColumn("Count").RightAligned());
        if (stats.KeysListed > 0)
        {
            table.AddRow("Keys listed", Count(stats.KeysListed));
            foreach (var (reason, count) in stats.KeysExcluded)
            {
                table.AddRow($"  excluded: {Markup.Escape(reason)}", Count(count));
            }
        }
        table.AddRow("Objects", Count(stats.ObjectsTotal));
        if (stats.ObjectsEnqueued > 0)
        {
            table.AddRow("  enqueued for the function", Count(stats.ObjectsEnqueued));
        }
        table.AddRow("  completed", Count(stats.ObjectsDone - stats.ObjectsSkipped - stats.ObjectsFailed - stats.ObjectsEnqueued));
        table.AddRow("  skipped (already delivered)", Count(stats.ObjectsSkipped));
        table.AddRow(stats.ObjectsFailed > 0 ? "[red]  failed[/]" : "  failed", Count(stats.ObjectsFailed));
        table.AddRow("  not started", Count(stats.ObjectsTotal - stats.ObjectsDone));
        if (stats.ObjectsProgressNotRecorded > 0)
        {
            table.AddRow("[red]  progress not recorded (a re-run sends again)[/]", Count(stats.ObjectsProgressNotRecorded));
        }
        table.AddRow("Records forwarded", Count(stats.RecordsForwarded));
        table.AddRow("Lines skipped", Count(stats.RecordsSkipped));
        table.AddRow(stats.RecordsNotDelivered > 0 ? "[red]Records not delivered[/]" : "Records not delivered", Count(stats.RecordsNotDelivered));
        table.AddRow("Read", Size(stats.BytesIn));
        table.AddRow("Sent", Size(stats.BytesOut));
        table.AddRow("Retries", Count(stats.Retries));
        table.AddRow("Time", Duration(stats.Elapsed));
        table.AddRow("Records/s", Count((long)stats.RecordsPerSecond));
        console.Write(table);
        foreach (var (name, error, detail) in stats.Failures)
        {
            console.MarkupLine($"[red]✗[/] {Markup.Escape(name)}: {Markup.Escape(error)}");
            if (verbose && detail is not null)
            {
                console.MarkupLine($"[grey]{Markup.Escape(detail)}[/]");
            }
        }
        if (stats.ObjectsFailed > stats.Failures.Count)
        {
            console.MarkupLine($"[red]✗[/] and {Count(stats.ObjectsFailed - stats.Failures.Count)} more");
        }
        foreach (var warning in stats.Warnings)
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }
    }

    /// <summary>A count with thousands separators.</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A byte count in binary units.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:F2} GiB"),
    };

    private static string Duration(TimeSpan elapsed) =>
        elapsed.TotalHours >= 1 ? elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : elapsed.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
