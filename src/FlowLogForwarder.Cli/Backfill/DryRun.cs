using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Storage;
using Spectre.Console;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>
/// <c>backfill --dry-run</c>: lists what a backfill would send, with counts and sizes per day, and reads each object's
/// progress tag for this destination (the same tag the function and the backfill write), so it says what a re-run
/// would skip or resume. Sends nothing and writes no tag.
/// </summary>
internal sealed class DryRun(IAmazonS3 s3, ForwardingPolicy policy, int concurrency)
{
    /// <summary>One listed object and what a backfill would do with it.</summary>
    public sealed record Entry(ObjectReference Object, string State);

    /// <summary>Lists and classifies the objects; <paramref name="onEntry"/> sees each in listing order.</summary>
    public async Task ClassifyAsync(IAsyncEnumerable<ObjectReference> objects, Action<Entry> onEntry, CancellationToken cancellationToken)
    {
        var tags = policy.ProgressTag is { } tagKey ? new S3ProgressTags(s3, tagKey, policy.ExpectedBucketOwners) : null;
        var window = new List<ObjectReference>(concurrency);
        await foreach (var reference in objects.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            window.Add(reference);
            if (window.Count == concurrency)
            {
                await FlushAsync(window, tags, onEntry, cancellationToken).ConfigureAwait(false);
            }
        }
        await FlushAsync(window, tags, onEntry, cancellationToken).ConfigureAwait(false);
    }

    private static async Task FlushAsync(List<ObjectReference> window, S3ProgressTags? tags, Action<Entry> onEntry, CancellationToken cancellationToken)
    {
        var states = await Task.WhenAll(window.Select(o => StateAsync(o, tags, cancellationToken))).ConfigureAwait(false);
        for (var i = 0; i < window.Count; i++)
        {
            onEntry(new Entry(window[i], states[i]));
        }
        window.Clear();
    }

    private static async Task<string> StateAsync(ObjectReference reference, S3ProgressTags? tags, CancellationToken cancellationToken)
    {
        if (tags is null)
        {
            return "to send";
        }
        var mark = await tags.ReadAsync(reference, versionId: null, cancellationToken).ConfigureAwait(false);
        // As the forwarder: a mark for another eTag (the object was overwritten since) says nothing about this one.
        return mark is null || mark.ETag != reference.ETag ? "to send"
            : mark.Done ? "already delivered"
            : $"resumes after line {mark.DeliveredThroughLine.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Prints each entry as a JSON line, then the totals.</summary>
    public static async Task<int> PrintJsonAsync(DryRun dryRun, IAsyncEnumerable<ObjectReference> objects, TextWriter output, CancellationToken cancellationToken)
    {
        long count = 0, bytes = 0, delivered = 0;
        await dryRun.ClassifyAsync(objects, entry =>
        {
            count++;
            bytes += entry.Object.Size ?? 0;
            delivered += entry.State == "already delivered" ? 1 : 0;
            output.WriteLine(JsonSerializer.Serialize(new DryRunLine(entry.Object.Key, entry.Object.Size ?? 0, entry.State), DryRunJsonContext.Default.DryRunLine));
        }, cancellationToken).ConfigureAwait(false);
        output.WriteLine(JsonSerializer.Serialize(new DryRunTotals(count, bytes, count - delivered, delivered), DryRunJsonContext.Default.DryRunTotals));
        return 0;
    }

    /// <summary>Prints a table of objects and bytes per day (of the key's date path), then the totals.</summary>
    public static async Task<int> PrintTableAsync(DryRun dryRun, IAsyncEnumerable<ObjectReference> objects, IAnsiConsole console, string title,
        CancellationToken cancellationToken)
    {
        var days = new SortedDictionary<string, (long Objects, long Bytes, long Delivered)>(StringComparer.Ordinal);
        await console.Status().StartAsync("Listing…", async context =>
        {
            long seen = 0;
            await dryRun.ClassifyAsync(objects, entry =>
            {
                var key = FlowLogKey.Parse(entry.Object.Key);
                var day = (key.FileTime ?? key.PathStart)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "(no date in key)";
                var (n, b, d) = days.GetValueOrDefault(day);
                days[day] = (n + 1, b + (entry.Object.Size ?? 0), d + (entry.State == "already delivered" ? 1 : 0));
                context.Status($"Listing… {RunDisplay.Count(++seen)} objects");
            }, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        var table = new Table().Border(TableBorder.Rounded).Title($"Dry run: {Markup.Escape(title)}")
            .AddColumn("Day").AddColumn(new TableColumn("Objects").RightAligned()).AddColumn(new TableColumn("Size").RightAligned())
            .AddColumn(new TableColumn("Already delivered").RightAligned());
        foreach (var (day, (n, b, d)) in days)
        {
            table.AddRow(day, RunDisplay.Count(n), RunDisplay.Size(b), RunDisplay.Count(d));
        }
        var total = (Objects: days.Values.Sum(v => v.Objects), Bytes: days.Values.Sum(v => v.Bytes), Delivered: days.Values.Sum(v => v.Delivered));
        table.AddRow("[bold]Total[/]", $"[bold]{RunDisplay.Count(total.Objects)}[/]", $"[bold]{RunDisplay.Size(total.Bytes)}[/]",
            $"[bold]{RunDisplay.Count(total.Delivered)}[/]");
        console.Write(table);
        console.MarkupLine($"{RunDisplay.Count(total.Objects - total.Delivered)} object(s) would be sent; nothing was sent.");
        return 0;
    }
}

/// <summary>One object of a dry run, as a JSON line.</summary>
internal sealed record DryRunLine(string Key, long Size, string State);

/// <summary>A dry run's totals, as the last JSON line.</summary>
internal sealed record DryRunTotals(long Objects, long Bytes, long ToSend, long AlreadyDelivered);

/// <summary>Source-generated serialisation (no reflection) of the dry run's lines.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(DryRunLine))]
[System.Text.Json.Serialization.JsonSerializable(typeof(DryRunTotals))]
internal sealed partial class DryRunJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
