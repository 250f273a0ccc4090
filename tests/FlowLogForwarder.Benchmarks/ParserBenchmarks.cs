using BenchmarkDotNet.Attributes;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Benchmarks;

/// <summary>The span parser alone over 100,000 lines; divide by OperationsPerInvoke for per-record figures.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private byte[] _text = [];
    private (int Start, int Length)[] _lines = [];
    private FlowRecordParser _parser = null!;

    [Params("v2", "v5")]
    public string Format { get; set; } = "v2";

    [GlobalSetup]
    public void Setup()
    {
        var header = Format == "v2" ? FlowLogGenerator.DefaultHeader : FlowLogGenerator.V5Header;
        _text = BenchmarkData.Text(header);
        _lines = BenchmarkData.Lines(_text);
        _parser = new FlowRecordParser(FlowLogHeader.Parse(header));
    }

    [Benchmark(OperationsPerInvoke = BenchmarkData.Records)]
    public int Parse()
    {
        var ok = 0;
        foreach (var (start, length) in _lines)
        {
            if (_parser.Parse(_text.AsSpan(start, length), out _) == LineFault.None)
            {
                ok++;
            }
        }
        return ok;
    }
}
