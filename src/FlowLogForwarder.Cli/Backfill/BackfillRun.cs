using System.Globalization;
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
            var dryRun = new DryRun(s3, _policy, request.Concurrency);
            return request.Live
                ? await DryRun.PrintTableAsync(dryRun, objects, console, request.Location.ToString(), stopStarting).ConfigureAwait(false)
                : await DryRun.PrintJsonAsync(dryRun, objects, output, stopStarting).ConfigureAwait(false);
        }
        return request.ViaQueue is { } queueUrl
            ? await FanOutAsync(objects, queueUrl, stopStarting).ConfigureAwait(false)
            : await ForwardAsync(s3, objects, stopStarting, abort).ConfigureAwait(false);
    }

    private async Task<int> ForwardAsync(IAmazonS3 s3, IAsyncEnumerable<FlowLogForwarder.Events.ObjectReference> objects,
        CancellationToken stopStarting, CancellationToken abort)
    {
        SendingOptions.RefuseKeyParameter(options);
        var stats = new RunStats(TimeProvider.System) { Title = $"Backfill {request.Location}" };
        using var http = SigNozClient.CreateHttpClient();
        Action<string> warn = request.Live ? stats.Warn : w => error.WriteLine($"flowlog-forward: warning: {w}");
        var exporter = new CountingExporter(ExporterFactory.Create(options, options.IngestionKey, http, TimeProvider.System, warn), stats);
        var pipeline = new FlowLogPipeline(exporter, options.Pipeline, TimeProvider.System);
        // The function's own log lines: JSON lines on stdout, or (live) kept out of the display; failures are shown after it.
        var log = new JsonLog(request.Live ? TextWriter.Null : output, TimeProvider.System);
        var runner = new BackfillRunner(new ObjectForwarder(pipeline, s3, _policy, log, TimeProvider.System), stats, request.Concurrency);
        var finished = request.Live
            ? await RunDisplay.RunAsync(console, stats, () => runner.RunAsync(objects, stopStarting, abort), request.Verbose).ConfigureAwait(false)
            : await runner.RunAsync(objects, stopStarting, abort).ConfigureAwait(false);
        if (!request.Live)
        {
            await output.WriteLineAsync(Totals(stats)).ConfigureAwait(false);
        }
        if (!finished)
        {
            await error.WriteLineAsync($"flowlog-forward: stopped (Ctrl+C): {stats.ObjectsTotal - stats.ObjectsDone} listed object(s) not started, " +
                "progress recorded; run the same command again to resume").ConfigureAwait(false);
        }
        return finished && stats.ObjectsFailed == 0 && stats.RecordsNotDelivered == 0 ? FlowLogCli.Success : FlowLogCli.Failure;
    }

    private async Task<int> FanOutAsync(IAsyncEnumerable<FlowLogForwarder.Events.ObjectReference> objects, string queueUrl, CancellationToken stop)
    {
        var stats = new RunStats(TimeProvider.System) { Title = $"Enqueue {request.Location} on {queueUrl}" };
        using var sqs = SqsClients.Create(options.Aws);
        var fanOut = new QueueFanOut(sqs, queueUrl, stats, TimeProvider.System);
        var finished = request.Live
            ? await RunDisplay.RunAsync(console, stats, () => fanOut.RunAsync(objects, stop), request.Verbose).ConfigureAwait(false)
            : await fanOut.RunAsync(objects, stop).ConfigureAwait(false);
        if (!request.Live)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{{\"objects\":{stats.ObjectsTotal},\"messagesSent\":{fanOut.MessagesSent},\"messagesFailed\":{stats.ObjectsFailed},\"stopped\":{(!finished ? "true" : "false")}}}"))
                .ConfigureAwait(false);
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
        var watch = new QueueDrainWatch(sqs, queueUrl, TimeProvider.System, TimeSpan.FromSeconds(2));
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

    private static string Totals(RunStats stats) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"objects\":{stats.ObjectsTotal},\"objectsSkipped\":{stats.ObjectsSkipped},\"objectsFailed\":{stats.ObjectsFailed}," +
        $"\"objectsNotStarted\":{stats.ObjectsTotal - stats.ObjectsDone},\"recordsForwarded\":{stats.RecordsForwarded},\"recordsSkipped\":{stats.RecordsSkipped}," +
        $"\"recordsNotDelivered\":{stats.RecordsNotDelivered},\"bytesIn\":{stats.BytesIn},\"seconds\":{stats.Elapsed.TotalSeconds:F3}," +
        $"\"recordsPerSecond\":{stats.RecordsPerSecond:F0},\"peakRssBytes\":{ProcessMemory.PeakResidentBytes()?.ToString(CultureInfo.InvariantCulture) ?? "null"}}}");
}
