using System.CommandLine;
using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Cli.Commands;

/// <summary><c>flowlog-forward bench</c>: records/s, MB/s and peak RSS against plain gunzip of the same object.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var records = CliOptions.Number("--records", "N", "Records in the generated object", 1_000_000L, 1, long.MaxValue);
        var v5 = new Option<bool>("--v5") { Description = "Generate the v5 custom format instead of the v2 default" };
        var file = new Option<string>("--file") { Description = "Use this object (generated first when it does not exist)", HelpName = "F" };
        var command = new Command("bench", "Throughput harness: records/s, MB/s and peak RSS against plain gunzip of the same object")
        {
            records, v5, file,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var options = ForwarderOptions.Load(Environment.GetEnvironmentVariable, requireEndpoint: false);
            return ThroughputHarness.RunAsync(parseResult.GetValue(records), parseResult.GetValue(v5), parseResult.GetValue(file), options.Pipeline,
                options.Compression, Console.Out, cancellationToken);
        });
        return command;
    }
}
