using System.Globalization;
using BenchmarkDotNet.Running;
using FlowLogForwarder.Benchmarks;

// dotnet run -c Release --project tests/FlowLogForwarder.Benchmarks -- --filter '*'
// dotnet run -c Release --project tests/FlowLogForwarder.Benchmarks -- wire gzip-9 zstd-19   (bytes per record only, untimed)
if (args is ["wire", .. var codecs])
{
    foreach (var protocol in new[] { "json", "otlp" })
    {
        foreach (var codec in codecs)
        {
            var bytes = CompressionBenchmarks.WireBytesPerRecord(protocol, codec);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{protocol} {codec}: {bytes:F1} B/record"));
        }
    }
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(ParserBenchmarks).Assembly).Run(args);
