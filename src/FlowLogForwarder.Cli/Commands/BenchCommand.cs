using System.CommandLine;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;

namespace FlowLogForwarder.Cli.Commands;

/// <summary><c>flowlog-forward bench</c>: records/s, bytes per record and peak RSS against plain gunzip of the same
/// object, optionally behind a link of limited rate.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var records = CliOptions.Number("--records", "N", "Records in the generated object", 1_000_000L, 1, long.MaxValue);
        var v5 = new Option<bool>("--v5") { Description = "Generate the v5 custom format instead of the v2 default" };
        var file = new Option<string>("--file") { Description = "Use this object (generated first when it does not exist)", HelpName = "F" };
        var compression = CliOptions.Choice("--compression", "MODE",
            $"Request body compression: auto, gzip, zstd or none; overrides {ForwarderOptions.Variables.Compression}", "auto", "gzip", "zstd", "none");
        var body = CliOptions.Choice("--body", "MODE",
            $"Each record's body: line, summary or none; overrides {ForwarderOptions.Variables.Body}", "line", "summary", "none");
        var protocol = CliOptions.Choice("--protocol", "P",
            "Wire protocol: json (SigNoz's /logs/json) or otlp (OTLP/HTTP protobuf) [default: json]", ThroughputHarness.Protocols);
        var linkMbps = CliOptions.Number("--link-mbps", "N", "The receiver reads at most N Mbit/s (a Lambda's network path); 0: unlimited", 0, 0, 100_000);
        var command = new Command("bench", "Throughput harness: records/s, bytes per record and peak RSS against plain gunzip of the same object")
        {
            records, v5, file, compression, body, protocol, linkMbps,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            // The flags accept only the enums' own names, lower-cased, so parsing them back cannot fail.
            var overrides = new ConfigurationOverrides
            {
                Compression = parseResult.GetValue(compression) is { } c ? Enum.Parse<BodyCompression>(c, ignoreCase: true) : null,
                Body = parseResult.GetValue(body) is { } b ? Enum.Parse<BodyMode>(b, ignoreCase: true) : null,
            };
            var options = ForwarderOptions.Load(Environment.GetEnvironmentVariable, overrides, requireEndpoint: false);
            var mbps = parseResult.GetValue(linkMbps);
            return ThroughputHarness.RunAsync(parseResult.GetValue(records), parseResult.GetValue(v5), parseResult.GetValue(file), options.Pipeline,
                options.Compression, parseResult.GetValue(protocol) ?? ThroughputHarness.Protocols[0], mbps > 0 ? mbps : null, Console.Out, cancellationToken);
        });
        return command;
    }
}
