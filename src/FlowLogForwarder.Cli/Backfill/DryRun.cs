using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Storage;
using Spectre.Console;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>
/// <c>backfill --dry-run</c>: lists what a backfill would send, with counts and sizes per day, and reads each object's
/// progress tag for this destination (the same tag the function and the backfill write), so it says what a re-run
/// would skip or resume. Sends nothing and changes no tag (it writes one object's tags back unchanged, to check access).
/// </summary>
/// <param name="progressUnknown">Whether this destination's progress tag is unknown (resume is on but no endpoint or
/// FLOWLOG_PROGRESS_TAG names it), so what is already delivered cannot be told.</param>
internal sealed class DryRun(IAmazonS3 s3, ForwardingPolicy policy, int concurrency, bool progressUnknown = false)
{
    /// <summary>The state of an object whose progress cannot be told.</summary>
    public const string Unknown = "unknown";

    /// <summary>Said once when <c>progressUnknown</c>.</summary>
    public const string UnknownWarning = "no SIGNOZ_ENDPOINT (or FLOWLOG_PROGRESS_TAG) is set, so the dry run cannot read what this destination " +
        "already has: every object shows as unknown; set the endpoint the backfill will use";

    /// <summary>One listed object and what a backfill would do with it.</summary>
    public sealed record Entry(ObjectReference Object, string State);

    /// <summary>Lists and classifies the objects; <paramref name="onEntry"/> sees each in listing order, and
    /// <paramref name="onWarning"/> a problem that would make a backfill of them go wrong.</summary>
    public async Task ClassifyAsync(IAsyncEnumerable<ObjectReference> objects, Action<Entry> onEntry, Action<string> onWarning,
        CancellationToken cancellationToken)
    {
        var tags = policy.ProgressTag is { } tagKey ? new S3ProgressTags(s3, tagKey, policy.ExpectedBucketOwners) : null;
        var window = new List<ObjectReference>(concurrency);
        var first = true;
        if (progressUnknown)
        {
            onWarning(UnknownWarning);
        }
        await foreach (var reference in objects.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (first && tags is not null && await TagAccessProblemAsync(reference, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                onWarning(problem);
            }
            first = false;
            window.Add(reference);
            if (window.Count == concurrency)
            {
                await FlushAsync(window, tags, onEntry, cancellationToken).ConfigureAwait(false);
            }
        }
        await FlushAsync(window, tags, onEntry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether these credentials can read and write the progress tags a backfill relies on, tried once on the
    /// first object: its tags are read and written back unchanged (a tag a function writes in between those two calls
    /// would be undone, costing that one object a resend). Null when both work, else what a backfill would do wrong.</summary>
    internal async Task<string?> TagAccessProblemAsync(ObjectReference reference, CancellationToken cancellationToken)
    {
        var owner = policy.ExpectedBucketOwners?.OwnerOf(reference.Bucket);
        List<Tag> current;
        try
        {
            current = (await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest
            {
                BucketName = reference.Bucket, Key = reference.Key, ExpectedBucketOwner = owner,
            }, cancellationToken).ConfigureAwait(false)).Tagging ?? [];
        }
        catch (AmazonServiceException ex)
        {
            return $"progress tags cannot be read ({ex.Message}; needs s3:GetObjectTagging): a backfill would send every object from the start, " +
                "including those already delivered";
        }
        try
        {
            await s3.PutObjectTaggingAsync(new PutObjectTaggingRequest
            {
                BucketName = reference.Bucket, Key = reference.Key, ExpectedBucketOwner = owner, Tagging = new Tagging { TagSet = current },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            return $"progress tags cannot be written ({ex.Message}; needs s3:PutObjectTagging): a backfill would send but record no progress, " +
                "so every re-run would send everything again";
        }
        return null;
    }

    private async Task FlushAsync(List<ObjectReference> window, S3ProgressTags? tags, Action<Entry> onEntry, CancellationToken cancellationToken)
    {
        var states = await Task.WhenAll(window.Select(o => StateAsync(o, tags, cancellationToken))).ConfigureAwait(false);
        for (var i = 0; i < window.Count; i++)
        {
            onEntry(new Entry(window[i], states[i]));
        }
        window.Clear();
    }

    private async Task<string> StateAsync(ObjectReference reference, S3ProgressTags? tags, CancellationToken cancellationToken)
    {
        if (tags is null)
        {
            return progressUnknown ? Unknown : "to send";
        }
        ProgressMark? mark;
        try
        {
            mark = await tags.ReadAsync(reference, versionId: null, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            // One unreadable tag says nothing about the other objects: this one is unknown, the dry run goes on.
            return $"{Unknown} (progress tag not readable: {ex.Message})";
        }
        // As the forwarder: a mark for another eTag (the object was overwritten since) says nothing about this one.
        return mark is null || mark.ETag != reference.ETag ? "to send"
            : mark.Done ? "already delivered"
            : $"resumes after line {mark.DeliveredThroughLine.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Prints each entry as a JSON line, then the totals; warnings go to <paramref name="error"/>.</summary>
    public static async Task<int> PrintJsonAsync(DryRun dryRun, ObjectLister lister, IAsyncEnumerable<ObjectReference> objects, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        long count = 0, bytes = 0, delivered = 0, unknown = 0;
        await dryRun.ClassifyAsync(objects, entry =>
        {
            count++;
            bytes += entry.Object.Size ?? 0;
            delivered += entry.State == "already delivered" ? 1 : 0;
            unknown += entry.State.StartsWith(Unknown, StringComparison.Ordinal) ? 1 : 0;
            output.WriteLine(JsonSerializer.Serialize(new DryRunLine(entry.Object.Key, entry.Object.Size ?? 0, entry.State), DryRunJsonContext.Default.DryRunLine));
        }, warning => error.WriteLine($"flowlog-forward: warning: {warning}"), cancellationToken).ConfigureAwait(false);
        output.WriteLine(JsonSerializer.Serialize(new DryRunTotals(count, bytes, count - delivered - unknown, delivered, unknown, lister.KeysListed, lister.Excluded),
            DryRunJsonContext.Default.DryRunTotals));
        foreach (var warning in lister.Warnings())
        {
            error.WriteLine($"flowlog-forward: warning: {warning}");
        }
        return 0;
    }

    /// <summary>Prints a table of objects and bytes per day (of the key's date path), then the totals.</summary>
    public static async Task<int> PrintTableAsync(DryRun dryRun, ObjectLister lister, IAsyncEnumerable<ObjectReference> objects, IAnsiConsole console, string title,
        CancellationToken cancellationToken)
    {
        var days = new SortedDictionary<string, (long Objects, long Bytes, long Delivered)>(StringComparer.Ordinal);
        long unknown = 0;
        var warnings = new List<string>();
        await console.Status().StartAsync("Listing…", async context =>
        {
            long seen = 0;
            await dryRun.ClassifyAsync(objects, entry =>
            {
                var key = FlowLogKey.Parse(entry.Object.Key);
                var day = (key.FileTime ?? key.PathStart)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "(no date in key)";
                var (n, b, d) = days.GetValueOrDefault(day);
                days[day] = (n + 1, b + (entry.Object.Size ?? 0), d + (entry.State == "already delivered" ? 1 : 0));
                unknown += entry.State.StartsWith(Unknown, StringComparison.Ordinal) ? 1 : 0;
                context.Status($"Listing… {RunDisplay.Count(++seen)} objects");
            }, warnings.Add, cancellationToken).ConfigureAwait(false);
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
        console.MarkupLine(unknown == 0 ? $"{RunDisplay.Count(total.Objects - total.Delivered)} object(s) would be sent; nothing was sent."
            : $"{RunDisplay.Count(total.Objects - total.Delivered - unknown)} object(s) would be sent and {RunDisplay.Count(unknown)} may be " +
              "(already delivered or not: unknown); nothing was sent.");
        console.MarkupLine($"{RunDisplay.Count(lister.KeysListed)} key(s) listed; {RunDisplay.Count(lister.Excluded.Values.Sum())} excluded" +
            string.Concat(lister.Excluded.Select(e => $"{Environment.NewLine}  {RunDisplay.Count(e.Value)} {Markup.Escape(e.Key)}")));
        foreach (var warning in warnings.Concat(lister.Warnings()))
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }
        return 0;
    }
}

/// <summary>One object of a dry run, as a JSON line.</summary>
internal sealed record DryRunLine(string Key, long Size, string State);

/// <summary>A dry run's totals, as the last JSON line.</summary>
internal sealed record DryRunTotals(long Objects, long Bytes, long ToSend, long AlreadyDelivered, long Unknown, long KeysListed, IReadOnlyDictionary<string, long> KeysExcluded);

/// <summary>Source-generated serialisation (no reflection) of the dry run's lines.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(DryRunLine))]
[System.Text.Json.Serialization.JsonSerializable(typeof(DryRunTotals))]
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
internal sealed partial class DryRunJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
