using System.CommandLine;
using FlowLogForwarder.Cli.Backfill;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Configuration;
using Spectre.Console;

namespace FlowLogForwarder.Cli.Commands;

/// <summary><c>flowlog-forward backfill s3://bucket/prefix/</c>: forwards (or enqueues for the function) the flow log
/// objects already in a bucket, by date window, account, region and flow log, resuming through the function's progress tags.</summary>
internal static class BackfillCommand
{
    public static Command Create()
    {
        var location = new Argument<string>("LOCATION") { Description = "Where the flow logs are: s3://bucket/prefix/ (e.g. s3://b/AWSLogs/123456789012/vpcflowlogs/us-east-1/)" };
        location.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && S3Prefix.TryParse(result.Tokens[0].Value, out var problem) is null)
            {
                result.AddError($"LOCATION: {problem}");
            }
        });
        var from = Bound("--from", "Only objects from this time on: YYYY-MM-DD (the whole day) or a timestamp such as 2026-11-22T10:00Z (UTC unless an offset is given)", end: false);
        var to = Bound("--to", "Only objects up to this time, inclusive: YYYY-MM-DD (the whole day) or a timestamp", end: true);
        var account = KeyFilter("--account", "ID", "Only these accounts (repeat, or separate with commas)");
        var region = KeyFilter("--region", "R", "Only these regions, as the key names them (repeat, or separate with commas)");
        var flowLogId = KeyFilter("--flow-log-id", "ID", "Only these flow logs, e.g. fl-0a1b2c3d4e5f67890 (repeat, or separate with commas)");
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be sent, with counts and sizes per day and what this destination already has; send nothing" };
        var concurrency = CliOptions.Number("--concurrency", "N", "Objects forwarded at once", BackfillRequest.DefaultConcurrency, 1, 256);
        var viaQueue = new Option<string>("--via-queue")
        {
            Description = "Enqueue one S3 event message per object on this SQS queue (the stack's IngestQueue) for the function to forward, instead of forwarding from here",
            HelpName = "QUEUE_URL",
        };
        var wait = new Option<bool>("--wait") { Description = "With --via-queue: then show the queue draining, until it is empty or --wait-minutes pass" };
        var waitMinutes = CliOptions.Number("--wait-minutes", "N", "With --wait: the longest wait for the queue to drain", 120, 1, 10_080);
        var sending = new SendingOptions();
        var outputOptions = new OutputOptions();
        var command = new Command("backfill", "Forward flow log objects already in S3 (by date, account, region, flow log), resuming where an earlier run stopped")
        {
            location, from, to, account, region, flowLogId, dryRun, concurrency, viaQueue, wait, waitMinutes,
        };
        sending.AddTo(command);
        outputOptions.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetResult(wait) is not null && result.GetResult(viaQueue) is null)
            {
                result.AddError("--wait needs --via-queue QUEUE_URL");
            }
            // The function forwards a fan-out, at its own concurrency and to its own endpoint: either option would be ignored.
            if (result.GetResult(viaQueue) is not null && result.GetResult(concurrency) is { Implicit: false })
            {
                result.AddError("--concurrency does not apply with --via-queue: the function's event source mapping sets how many objects are forwarded at once");
            }
            if (result.GetResult(viaQueue) is not null && sending.EndpointGiven(result))
            {
                result.AddError($"--endpoint does not apply with --via-queue: the function sends to its own endpoint (set {ForwarderOptions.Variables.Endpoint} " +
                    $"or {ForwarderOptions.Variables.ProgressTag} to the function's to skip the objects it already delivered)");
            }
            // From the tokens: GetValue on an option whose value failed to parse would throw its error instead of reporting it.
            if (result.GetResult(from)?.Tokens is [.., var first] && TimeWindow.ParseBound(first.Value, end: false) is { } start
                && result.GetResult(to)?.Tokens is [.., var last] && TimeWindow.ParseBound(last.Value, end: true) is { } end && start > end)
            {
                result.AddError("--from is after --to");
            }
        });
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new BackfillRequest(
                S3Prefix.TryParse(parseResult.GetRequiredValue(location), out _)!,
                new ObjectSelection(new TimeWindow(parseResult.GetValue(from), parseResult.GetValue(to)),
                    Set(parseResult.GetValue(account)), Set(parseResult.GetValue(region)), Set(parseResult.GetValue(flowLogId))),
                parseResult.GetValue(concurrency), parseResult.GetValue(dryRun), parseResult.GetValue(viaQueue), parseResult.GetValue(wait),
                TimeSpan.FromMinutes(parseResult.GetValue(waitMinutes)), outputOptions.Live(parseResult), parseResult.GetValue(FlowLogCli.Verbose));
            var options = sending.Load(parseResult, requireEndpoint: !request.DryRun && request.ViaQueue is null);
            using var abort = new CancellationTokenSource();
            // The first Ctrl+C (the command's token) stops new objects; a second one, or the grace period, stops those in flight.
            using var grace = cancellationToken.Register(() => abort.CancelAfter(BackfillRun.StopGrace));
            var presses = 0;
            ConsoleCancelEventHandler second = (_, _) =>
            {
                if (Interlocked.Increment(ref presses) >= 2)
                {
                    abort.Cancel();
                }
            };
            Console.CancelKeyPress += second;
            try
            {
                return await new BackfillRun(request, options, AnsiConsole.Console, Console.Out, Console.Error).RunAsync(cancellationToken, abort.Token);
            }
            finally
            {
                Console.CancelKeyPress -= second;
            }
        });
        return command;
    }

    private static Option<DateTimeOffset?> Bound(string name, string description, bool end) => new(name)
    {
        Description = description,
        HelpName = "TIME",
        CustomParser = result =>
        {
            var text = result.Tokens[^1].Value;
            if (TimeWindow.ParseBound(text, end) is { } bound)
            {
                return bound;
            }
            result.AddError($"{name} takes YYYY-MM-DD or a timestamp such as 2026-11-22T10:00Z, not '{text}'");
            return null;
        },
    };

    private static Option<string[]> KeyFilter(string name, string helpName, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
        Arity = ArgumentArity.OneOrMore,
    };

    private static HashSet<string> Set(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
}
