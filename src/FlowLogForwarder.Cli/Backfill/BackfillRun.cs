using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using Amazon.SQS;
using FlowLogForwarder.Cli.Commands;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Diagnostics;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Storage;
using Spectre.Console;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>Runs one <c>backfill</c>: a dry run, a run from this machine, or a fan-out onto the function's queue.</summary>
internal sealed class BackfillRun(BackfillRequest request, ForwarderOptions options, IAnsiConsole console, TextWriter output, TextWriter error)
{
    /// <summary>After Ctrl+C, objects in flight get this long to finish before they are stopped (progress recorded either way).</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    private readonly ForwardingPolicy _policy = ForwardingPolicy.From(options);

    /// <summary>Runs and answers the exit code.</summary>
    /// <param name="stopStarting">The first Ctrl+C: no new object starts.</param>
    /// <param name="abort">A second Ctrl+C (or <see cref="StopGrace"/> after the first): objects in flight stop too.</param>
    public async Task<int> RunAsync(CancellationToken stopStarting, CancellationToken abort)
    {
        using var s3 = S3ClientFactory.Create(options.Aws);
        var lister = new ObjectLister(s3, _policy);
        var objects = lister.ListAsync(request.Location, request.Selection, stopStarting);
        if (request.DryRun)
        {
            var dryRun = new DryRun(s3, _policy, request.Concurrency, progressUnknown: options.Resume && options.ProgressTag is null);
            return request.Live
                ? await DryRun.PrintTableAsync(dryRun, lister, objects, console, request.Location.ToString(), stopStarting).ConfigureAwait(false)
                : await DryRun.PrintJsonAsync(dryRun, lister, objects, output, error, stopStarting).ConfigureAwait(false);
        }
        return request.ViaQueue is { } queueUrl
            ? await FanOutAsync(s3, lister, objects, queueUrl, stopStarting).ConfigureAwait(false)
            : await ForwardAsync(s3, lister, objects, stopStarting, abort).ConfigureAwait(false);
    }

    /// <summary>Makes a forwarder per call, each with its own pipeline and so its own batch buffers (MaxInFlightBatches + 2):
    /// workers sharing one pipeline would share that many buffers, and allocate a fresh batch array whenever they held more.</summary>
    internal static Func<ObjectForwarder> Forwarders(IBatchExporter exporter, PipelineOptions pipeline, IAmazonS3 s3, ForwardingPolicy policy, JsonLog log) =>
        () => new ObjectForwarder(new FlowLogPipeline(exporter, pipeline, TimeProvider.System), s3, policy, log, TimeProvider.System);

    /// <summary>Runs <paramref name="work"/>, then hands the listing's counts and warnings to <paramref name="stats"/>.</summary>
    private static async Task<bool> Listed(ObjectLister lister, RunStats stats, Func<Task<bool>> work)
    {
        var finished = await work().ConfigureAwait(false);
        stats.Listed(lister.KeysListed, lister.Excluded);
        foreach (var warning in lister.Warnings())
        {
            stats.Warn(warning);
        }
        return finished;
    }

    /// <summary>The listing's counts as JSON members: <c>"keysListed":N,"keysExcluded":{"reason":n,...}</c>.</summary>
    internal static string ListingJson(ObjectLister lister) => string.Create(CultureInfo.InvariantCulture,
        $"\"keysListed\":{lister.KeysListed},\"keysExcluded\":{JsonSerializer.Serialize(lister.Excluded, DryRunJsonContext.Default.IReadOnlyDictionaryStringInt64)}");

    private void WarnJson(ObjectLister lister)
    {
        foreach (var warning in lister.Warnings())
        {
            error.WriteLine($"flowlog-forward: warning: {warning}");
        }
    }

    private async Task<int> ForwardAsync(IAmazonS3 s3, ObjectLister lister, IAsyncEnumerable<FlowLogForwarder.Events.ObjectReference> objects,
        CancellationToken stopStarting, CancellationToken abort)
    {
        SendingOptions.RefuseKeyParameter(options);
        var stats = new RunStats(TimeProvider.System) { Title = $"Backfill {request.Location}" };
        using var http = SigNozClient.CreateHttpClient();
        Action<string> warn = request.Live ? stats.Warn : w => error.WriteLine($"flowlog-forward: warning: {w}");
        var exporter = new CountingExporter(ExporterFactory.Create(options, options.IngestionKey, http, TimeProvider.System, warn), stats);
        // The function's own log lines: JSON lines on stdout, or (live) kept out of the display; failures are shown after it,
        // and the tap counts progress not recorded and keeps the warnings either way.
        var log = new JsonLog(new ForwarderLogTap(request.Live ? TextWriter.Null : output, stats, keepWarnings: request.Live), TimeProvider.System);
        var runner = new BackfillRunner(Forwarders(exporter, options.Pipeline, s3, _policy, log), stats, request.Concurrency);
        var finished = request.Live
            ? await RunDisplay.RunAsync(console, stats, () => Listed(lister, stats, () => runner.RunAsync(objects, stopStarting, abort)), request.Verbose)
                .ConfigureAwait(false)
            : await runner.RunAsync(objects, stopStarting, abort).ConfigureAwait(false);
        if (!request.Live)
        {
            await output.WriteLineAsync(Totals(stats, lister, runner.StoppedBecause)).ConfigureAwait(false);
            WarnJson(lister);
        }
        if (runner.StoppedBecause is { } reason)
        {
            await error.WriteLineAsync($"flowlog-forward: stopped: {reason}; {stats.ObjectsTotal - stats.ObjectsDone} listed object(s) not started. " +
                "Fix the cause and run the same command again to resume").ConfigureAwait(false);
        }
        if (!finished)
        {
            await error.WriteLineAsync($"flowlog-forward: stopped (Ctrl+C): {stats.ObjectsTotal - stats.ObjectsDone} listed object(s) not started, " +
                "progress recorded; run the same command again to resume").ConfigureAwait(false);
        }
        if (stats.ObjectsProgressNotRecorded > 0)
        {
            await error.WriteLineAsync($"flowlog-forward: {stats.ObjectsProgressNotRecorded} object(s) were sent but their progress tag was not written " +
                "(the credentials lack s3:PutObjectTagging, or the object already has 10 tags): a re-run sends them again").ConfigureAwait(false);
        }
        return finished && runner.StoppedBecause is null && stats.ObjectsFailed == 0 && stats.RecordsNotDelivered == 0 && stats.ObjectsProgressNotRecorded == 0
            ? FlowLogCli.Success : FlowLogCli.Failure;
    }

    private async Task<int> FanOutAsync(IAmazonS3 s3, ObjectLister lister, IAsyncEnumerable<FlowLogForwarder.Events.ObjectReference> objects, string queueUrl, CancellationToken stop)
    {
        var stats = new RunStats(TimeProvider.System) { Title = $"Enqueue {request.Location} on {queueUrl}" };
        using var sqs = SqsClients.Create(options.Aws);
        // With this destination's tag known (SIGNOZ_ENDPOINT or FLOWLOG_PROGRESS_TAG as the function has them), objects
        // already delivered are not enqueued: a re-run after the drain costs no invocations for them.
        var tags = _policy.ProgressTag is { } tagKey ? new S3ProgressTags(s3, tagKey, _policy.ExpectedBucketOwners) : null;
        var fanOut = new QueueFanOut(sqs, queueUrl, stats, TimeProvider.System, tags);
        var finished = request.Live
            ? await RunDisplay.RunAsync(console, stats, () => Listed(lister, stats, () => fanOut.RunAsync(objects, stop)), request.Verbose).ConfigureAwait(false)
            : await fanOut.RunAsync(objects, stop).ConfigureAwait(false);
        if (!request.Live)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{{\"objects\":{stats.ObjectsTotal},{ListingJson(lister)},\"alreadyDelivered\":{fanOut.AlreadyDelivered},\"messagesSent\":{fanOut.MessagesSent},\"messagesFailed\":{stats.ObjectsFailed},\"stopped\":{(!finished ? "true" : "false")}}}"))
                .ConfigureAwait(false);
            WarnJson(lister);
            foreach (var warning in stats.Warnings)
            {
                await error.WriteLineAsync($"flowlog-forward: warning: {warning}").ConfigureAwait(false);
            }
        }
        if (!finished)
        {
            await error.WriteLineAsync($"flowlog-forward: stopped (Ctrl+C) after {fanOut.MessagesSent} message(s); the function handles those, " +
                "and a re-run enqueues every object again (the function skips those already delivered)").ConfigureAwait(false);
            return FlowLogCli.Failure;
        }
        var ok = stats.ObjectsFailed == 0;
        if (request.Wait)
        {
            ok &= await WaitAsync(sqs, queueUrl, stop).ConfigureAwait(false);
        }
        return ok ? FlowLogCli.Success : FlowLogCli.Failure;
    }

    private async Task<bool> WaitAsync(IAmazonSQS sqs, string queueUrl, CancellationToken stop)
    {
        var watch = new QueueDrainWatch(sqs, queueUrl, TimeProvider.System, TimeSpan.FromSeconds(2), QueueDrainWatch.DefaultQuietSpan);
        bool drained;
        if (request.Live)
        {
            var result = false;
            await console.Live(new Markup("Waiting for the queue…")).StartAsync(async context =>
            {
                result = await watch.WaitAsync(request.WaitLimit, depth => context.UpdateTarget(new Markup(
                    $"Queue: {RunDisplay.Count(depth.Waiting)} waiting · {RunDisplay.Count(depth.InFlight)} being handled by the function")), stop)
                    .ConfigureAwait(false);
            }).ConfigureAwait(false);
            drained = result;
            console.MarkupLine(drained ? "[green]The queue is drained.[/] The function's log and metrics say what it forwarded."
                : $"[yellow]The queue still holds messages after {request.WaitLimit.TotalMinutes:F0} minute(s).[/]");
        }
        else
        {
            drained = await watch.WaitAsync(request.WaitLimit, depth => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"queueWaiting\":{depth.Waiting},\"queueInFlight\":{depth.InFlight}}}")), stop).ConfigureAwait(false);
        }
        return drained;
    }

    private static string Totals(RunStats stats, ObjectLister lister, string? stoppedBecause) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"objects\":{stats.ObjectsTotal},{ListingJson(lister)},\"objectsSkipped\":{stats.ObjectsSkipped},\"objectsFailed\":{stats.ObjectsFailed}," +
        $"\"objectsNotStarted\":{stats.ObjectsTotal - stats.ObjectsDone},\"stoppedBecause\":{(stoppedBecause is null ? "null" : $"\"{JsonEncodedText.Encode(stoppedBecause)}\"")},\"objectsProgressNotRecorded\":{stats.ObjectsProgressNotRecorded},\"recordsForwarded\":{stats.RecordsForwarded},\"recordsSkipped\":{stats.RecordsSkipped}," +
        $"\"recordsNotDelivered\":{stats.RecordsNotDelivered},\"bytesIn\":{stats.BytesIn},\"seconds\":{stats.Elapsed.TotalSeconds:F3}," +
        $"\"recordsPerSecond\":{stats.RecordsPerSecond:F0},\"peakRssBytes\":{ProcessMemory.PeakResidentBytes()?.ToString(CultureInfo.InvariantCulture) ?? "null"}}}");
}
