using System.CommandLine;
using System.Text.Json;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Cli.Commands;

/// <summary><c>flowlog-forward preview FILE</c>: the SigNoz JSON records of one object, one per line; the summary on stderr.</summary>
internal static class PreviewCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A flow log object (gzip or plain text, with or without a header line; or Parquet) or a saved CloudWatch Logs event" };
        file.Validators.Add(CliOptions.RefuseOptionLikeValues);
        var format = CliOptions.Format();
        var command = new Command("preview", "Print the SigNoz JSON records for a flow log object, one per line (sends nothing)") { file, format };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetRequiredValue(file), parseResult.GetValue(format), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string path, string? format, CancellationToken cancellationToken)
    {
        var options = ForwarderOptions.Load(Environment.GetEnvironmentVariable, new ConfigurationOverrides { Format = format }, requireEndpoint: false);
        var output = Console.Out;
        var pipeline = new FlowLogPipeline(new PreviewSink(output), options.Pipeline with { MaxInFlightBatches = 1 }, TimeProvider.System);
        var summary = await LocalFile.ForwardAsync(pipeline, path, cancellationToken);
        await output.FlushAsync(cancellationToken);
        await Console.Error.WriteLineAsync(JsonSerializer.Serialize(summary, SummaryJsonContext.Default.ForwardingSummary));
        return summary.Outcome == ObjectOutcome.Completed ? 0 : 1;
    }
}
