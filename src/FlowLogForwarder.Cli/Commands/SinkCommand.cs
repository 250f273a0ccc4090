using System.CommandLine;

namespace FlowLogForwarder.Cli.Commands;

/// <summary><c>flowlog-forward sink [--port N]</c>: a SigNoz-compatible receiver on loopback for local trials.</summary>
internal static class SinkCommand
{
    public static Command Create()
    {
        var port = CliOptions.Number("--port", "N", "The port to listen on, on 127.0.0.1", 4318, 1, 65535);
        var command = new Command("sink", "Run a SigNoz-compatible logs receiver on 127.0.0.1 for local trials (Ctrl+C stops it)") { port };
        command.SetAction((parseResult, cancellationToken) => new LocalSink(parseResult.GetValue(port), Console.Out).RunAsync(cancellationToken));
        return command;
    }
}
