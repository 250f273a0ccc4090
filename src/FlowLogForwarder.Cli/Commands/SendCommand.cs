using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Diagnostics;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Cli.Commands;

/// <summary><c>flowlog-forward send FILE...</c>: forwards local objects; one JSON summary per object, then totals.</summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Flow log objects (gzip or plain text, with or without a header line; or Parquet) or saved CloudWatch Logs events",
            Arity = ArgumentArity.OneOrMore,
        };
        var sending = new SendingOptions();
        var output = new OutputOptions();
        files.Validators.Add(CliOptions.RefuseOptionLikeValues);
        var command = new Command("send", "Forward local flow log objects; on a terminal a live display, else one JSON summary per object, then totals") { files };
        sending.AddTo(command);
        output.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var paths = parseResult.GetRequiredValue(files);
            var options = sending.Load(parseResult);
            SendingOptions.RefuseKeyParameter(options);
            return output.Live(parseResult)
                ? RunLiveAsync(paths, options, parseResult.GetValue(FlowLogCli.Verbose), cancellationToken)
                : RunAsync(paths, options, cancellationToken);
        });
        return command;
    }

    /// <summary>The live display's title: the endpoint without its query string, which may carry a token.</summary>
    internal static string Title(int files, Uri endpoint) => $"Send {files} file(s) to {endpoint.GetLeftPart(UriPartial.Path)}";

    private static async Task<int> RunLiveAsync(string[] files, ForwarderOptions options, bool verbose, CancellationToken cancellationToken)
    {
        var stats = new RunStats(TimeProvider.System) { Title = Title(files.Length, options.Endpoint!) };
        stats.AddToTotal(files.Length);
        stats.TotalIsKnown();
        using var http = SigNozClient.CreateHttpClient();
        var exporter = new CountingExporter(ExporterFactory.Create(options, options.IngestionKey, http, TimeProvider.System, stats.Warn), stats);
        var pipeline = new FlowLogPipeline(exporter, options.Pipeline, TimeProvider.System);
        return await RunDisplay.RunAsync(Spectre.Console.AnsiConsole.Console, stats, async () =>
        {
            var exitCode = FlowLogCli.Success;
            foreach (var file in files)
            {
                var summary = await LocalFile.ForwardAsync(pipeline, file, cancellationToken);
                var failed = summary.Outcome != ObjectOutcome.Completed || summary.RecordsFailed + summary.RecordsRejected > 0;
                stats.ObjectRead(summary, failed);
                exitCode = failed ? FlowLogCli.Failure : exitCode;
            }
            return exitCode;
        }, verbose);
    }

    private static async Task<int> RunAsync(string[] files, ForwarderOptions options, CancellationToken cancellationToken)
    {
        using var http = SigNozClient.CreateHttpClient();
        var exporter = ExporterFactory.Create(options, options.IngestionKey, http, TimeProvider.System,
            warning => Console.Error.WriteLine($"flowlog-forward: warning: {warning}"));
        var pipeline = new FlowLogPipeline(exporter, options.Pipeline, TimeProvider.System);

        var exitCode = 0;
        long forwarded = 0, skipped = 0, notDelivered = 0, bytesIn = 0, bytesText = 0;
        var started = TimeProvider.System.GetTimestamp();
        foreach (var file in files)
        {
            var summary = await LocalFile.ForwardAsync(pipeline, file, cancellationToken);
            Console.Out.WriteLine(JsonSerializer.Serialize(summary, SummaryJsonContext.Default.ForwardingSummary));
            forwarded += summary.RecordsForwarded;
            skipped += summary.RecordsSkipped;
            notDelivered += summary.RecordsFailed + summary.RecordsRejected;
            bytesIn += summary.BytesIn;
            bytesText += summary.BytesDecompressed;
            if (summary.Outcome != ObjectOutcome.Completed || summary.RecordsFailed + summary.RecordsRejected > 0)
            {
                exitCode = 1;
            }
        }
        var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        Console.Out.WriteLine(
            $"{{\"files\":{files.Length},\"recordsForwarded\":{forwarded},\"recordsSkipped\":{skipped},\"recordsNotDelivered\":{notDelivered}," +
            $"\"bytesIn\":{bytesIn},\"bytesDecompressed\":{bytesText},\"seconds\":{seconds:F3},\"recordsPerSecond\":{forwarded / Math.Max(seconds, 1e-9):F0}," +
            $"\"peakRssBytes\":{ProcessMemory.PeakResidentBytes()?.ToString(CultureInfo.InvariantCulture) ?? "null"}}}");
        return exitCode;
    }
}
