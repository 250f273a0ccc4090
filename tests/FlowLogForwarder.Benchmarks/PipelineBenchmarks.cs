using BenchmarkDotNet.Attributes;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Benchmarks;

/// <summary>
/// Parse + map + JSON + batch for 100,000 records (from text, and from gzip), without network: per record figures
/// are the time and allocation divided by OperationsPerInvoke.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private byte[] _text = [];
    private byte[] _gzip = [];
    private FlowLogPipeline _pipeline = null!;
    private readonly FlowLogSource _source = FlowLogSource.FromKey("bucket",
        "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-0a1b_20261122T1005Z_ab.log.gz");

    [Params("v2", "v5")]
    public string Format { get; set; } = "v2";

    [GlobalSetup]
    public void Setup()
    {
        _text = BenchmarkData.Text(Format == "v2" ? FlowLogGenerator.DefaultHeader : FlowLogGenerator.V5Header);
        _gzip = BenchmarkData.Gzip(_text);
        _pipeline = new FlowLogPipeline(new NullSink(), new PipelineOptions(), TimeProvider.System);
    }

    [Benchmark(OperationsPerInvoke = BenchmarkData.Records)]
    public Task<ForwardingSummary> FromText() => _pipeline.ForwardAsync(new MemoryStream(_text, writable: false), _source, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = BenchmarkData.Records)]
    public Task<ForwardingSummary> FromGzip() => _pipeline.ForwardAsync(new MemoryStream(_gzip, writable: false), _source, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = BenchmarkData.Records)]
    public long GunzipOnly()
    {
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(_gzip, writable: false), System.IO.Compression.CompressionMode.Decompress);
        var buffer = new byte[128 * 1024];
        long total = 0;
        int read;
        while ((read = gzip.Read(buffer)) > 0)
        {
            total += read;
        }
        return total;
    }
}
