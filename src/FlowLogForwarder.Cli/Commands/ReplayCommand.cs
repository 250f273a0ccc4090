using System.CommandLine;

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
        var command = new Command("replay", "Re-drive failed events, from saved files or the failure queue, through the Lambda's handler")
        {
            eventFiles, queueUrl, maxMessages, keep,
        };
        sending.AddTo(command);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(eventFiles) is null) == (result.GetResult(queueUrl) is null))
            {
                result.AddError("replay needs either --event-file F... or --queue-url URL");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var replayer = new Replayer(sending.Load(parseResult), Console.Out);
            return parseResult.GetValue(queueUrl) is { } url
                ? replayer.ReplayQueueAsync(url, parseResult.GetValue(maxMessages), parseResult.GetValue(keep), cancellationToken)
                : replayer.ReplayFilesAsync(parseResult.GetRequiredValue(eventFiles), cancellationToken);
        });
        return command;
    }
}
