using System.CommandLine;
using FlowLogForwarder.Cli.Display;

namespace FlowLogForwarder.Cli.Commands;

/// <summary><c>flowlog-forward replay</c>: re-drives failed events (saved files, or the failure queue) through the Lambda's handler.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var eventFiles = new Option<string[]>("--event-file")
        {
            Description = "Saved event files (S3, SNS, SQS or EventBridge JSON) to replay",
            HelpName = "F",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        eventFiles.Validators.Add(CliOptions.RefuseOptionLikeValues);
        var queueUrl = new Option<string>("--queue-url") { Description = "The failure queue to receive events from", HelpName = "URL" };
        var maxMessages = CliOptions.Number("--max-messages", "N", "Most queue messages to replay", 100, 1, int.MaxValue);
        var keep = new Option<bool>("--keep") { Description = "Leave handled messages on the queue instead of deleting them" };
        var sending = new SendingOptions();
        var output = new OutputOptions();
        var command = new Command("replay", "Re-drive failed events, from saved files or the failure queue, through the Lambda's handler")
        {
            eventFiles, queueUrl, maxMessages, keep,
        };
        sending.AddTo(command);
        output.AddTo(command);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(eventFiles) is null) == (result.GetResult(queueUrl) is null))
            {
                result.AddError("replay needs either --event-file F... or --queue-url URL");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var options = sending.Load(parseResult);
            var url = parseResult.GetValue(queueUrl);
            var title = url is null ? "Replay saved events" : $"Replay {url}";
            // Live: the handler's JSON log stays out of the display; the summary table and the failures follow it.
            var stats = output.Live(parseResult) ? new RunStats(TimeProvider.System) { Title = title } : null;
            var replayer = new Replayer(options, stats is null ? Console.Out : TextWriter.Null, stats);
            Task<int> Run() => url is not null
                ? replayer.ReplayQueueAsync(url, parseResult.GetValue(maxMessages), parseResult.GetValue(keep), cancellationToken)
                : replayer.ReplayFilesAsync(parseResult.GetRequiredValue(eventFiles), cancellationToken);
            return stats is null ? Run() : RunDisplay.RunAsync(Spectre.Console.AnsiConsole.Console, stats, Run, parseResult.GetValue(FlowLogCli.Verbose));
        });
        return command;
    }
}
