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
        var file = new Argument<string>("FILE") { Description = "A flow log object: .log.gz, plain text or Parquet" };
        file.Validators.Add(CliOptions.RefuseOptionLikeValues);
        var command = new Command("preview", "Print the SigNoz JSON records for a flow log object, one per line (sends nothing)") { file };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetRequiredValue(file), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string path, CancellationToken cancellationToken)
    {
        var options = ForwarderOptions.Load(Environment.GetEnvironmentVariable, requireEndpoint: false);
        var output = Console.Out;
        var pipeline = new FlowLogPipeline(new PreviewSink(output), options.Pipeline with { MaxInFlightBatches = 1 }, TimeProvider.System);
        var summary = await LocalFile.ForwardAsync(pipeline, path, cancellationToken);
        await output.FlushAsync(cancellationToken);
        await Console.Error.WriteLineAsync(JsonSerializer.Serialize(summary, SummaryJsonContext.Default.ForwardingSummary));
        return summary.Outcome == ObjectOutcome.Completed ? 0 : 1;
    }
}
