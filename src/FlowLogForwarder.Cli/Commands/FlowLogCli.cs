using System.CommandLine;
using System.CommandLine.Invocation;
using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Cli.Commands;

/// <summary>The <c>flowlog-forward</c> command tree and how its parse errors and exit codes are reported.</summary>
internal static class FlowLogCli
{
    /// <summary>Everything went as asked: all records delivered or counted as skipped (or help was shown).</summary>
    public const int Success = 0;

    /// <summary>An object failed or was unreadable, records were rejected or not delivered, or the run was stopped.</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or configuration.</summary>
    public const int BadUsage = 2;

    private const string Description = $"""
        Forward AWS VPC flow log objects to the SigNoz HTTP logs endpoint.

        The ingestion key is read from {ForwarderOptions.Variables.IngestionKey}, never from a flag. Every other setting is an
        environment variable (see the README); --endpoint and --allow-http override theirs.
        Exit codes: 0 all records delivered or counted as skipped; 1 an object failed or was unreadable, or records were
        rejected or not delivered; 2 bad usage or configuration.
        """;

    /// <summary><c>--verbose</c>, on every command: an error's detail (its type and stack), and each failed object's
    /// summary after the live display.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show the detail of errors and of each failed object",
        Recursive = true,
    };

    /// <summary>The root command with every subcommand; <c>--help</c>, <c>--version</c> and the <c>[suggest]</c>
    /// completion directive come with <see cref="RootCommand"/>.</summary>
    public static RootCommand Create() => new(Description)
    {
        PreviewCommand.Create(),
        SendCommand.Create(),
        BackfillCommand.Create(),
        SinkCommand.Create(),
        ReplayCommand.Create(),
        BenchCommand.Create(),
        Verbose,
    };

    /// <summary>True when the parse failed; the errors are then written as one line each, and the exit code is
    /// <see cref="BadUsage"/> (System.CommandLine's own error action would answer 1, which here means a failed object).</summary>
    public static bool TryReportUsageErrors(ParseResult parseResult, TextWriter error)
    {
        if (parseResult.Action is not ParseErrorAction)
        {
            return false;
        }
        foreach (var parseError in parseResult.Errors)
        {
            error.WriteLine($"flowlog-forward: {parseError.Message}");
        }
        var path = string.Join(' ', CommandPath(parseResult.CommandResult.Command).Reverse());
        error.WriteLine($"Run '{path} --help' for usage.");
        return true;
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        yield return command is RootCommand ? "flowlog-forward" : command.Name;
        foreach (var parent in command.Parents.OfType<Command>())
        {
            foreach (var name in CommandPath(parent))
            {
                yield return name;
            }
        }
    }
}
