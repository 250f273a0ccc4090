using System.CommandLine;
using System.Globalization;
using System.Text.Json;
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
        var files = new Argument<string[]>("FILE") { Description = "Flow log objects: .log.gz, plain text or Parquet", Arity = ArgumentArity.OneOrMore };
        var sending = new SendingOptions();
        files.Validators.Add(CliOptions.RefuseOptionLikeValues);
        var command = new Command("send", "Forward local flow log objects; prints one JSON summary per object, then totals") { files };
        sending.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
            RunAsync(parseResult.GetRequiredValue(files), sending.Load(parseResult), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string[] files, ForwarderOptions options, CancellationToken cancellationToken)
    {
        if (options.IngestionKeyParameter is not null)
        {
            throw new ConfigurationException(ForwarderOptions.Variables.IngestionKeyParameter,
                $"is read by the Lambda function only; set {ForwarderOptions.Variables.IngestionKey} for the CLI");
        }
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
