using System.Collections.Concurrent;
using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Benchmarks;

/// <summary>
/// The codec and level of request bodies, measured on the pipeline's own 1 MiB batches of the bench command's v2 object
/// (<see cref="Cli.BenchObject"/>, body = line): time per record to compress, and the bytes per record it leaves on the wire (column "Wire B/record").
/// The default levels in <see cref="EncodedBody"/> are chosen from this table (README, "Performance").
/// </summary>
[MemoryDiagnoser]
[Config(typeof(WireColumnConfig))]
public class CompressionBenchmarks
{
    [Params("json", "otlp")]
    public string Protocol { get; set; } = "json";

    [Params("gzip-1", "gzip-2", "gzip-3", "gzip-4", "gzip-5", "gzip-6", "zstd-1", "zstd-2", "zstd-3")]
    public string Codec { get; set; } = "gzip-1";

    private Batches _batches = null!;
    private readonly MemoryStream _output = new();

    [GlobalSetup]
    public void Setup() => _batches = Batches.Of(Protocol);

    [Benchmark(OperationsPerInvoke = BenchmarkData.Records)]
    public long Compress()
    {
        long total = 0;
        foreach (var batch in _batches.Bodies)
        {
            _output.SetLength(0);
            Compress(Codec, batch, _output);
            total += _output.Length;
        }
        return total;
    }

    /// <summary>Wire bytes per record of one protocol and codec.</summary>
    public static double WireBytesPerRecord(string protocol, string codec)
    {
        var batches = Batches.Of(protocol);
        using var output = new MemoryStream();
        long total = 0;
        foreach (var batch in batches.Bodies)
        {
            output.SetLength(0);
            Compress(codec, batch, output);
            total += output.Length;
        }
        return total / (double)batches.Records;
    }

    private static void Compress(string codec, byte[] body, Stream output)
    {
        var level = int.Parse(codec.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture);
        using Stream compressor = codec.StartsWith("gzip", StringComparison.Ordinal)
            ? new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true)
            : new ZstdSharp.CompressionStream(output, level, leaveOpen: true);
        compressor.Write(body);
    }

    // The request bodies the pipeline builds for BenchmarkData.Records records, once per protocol.
    private sealed class Batches : IBatchSink
    {
        private static readonly ConcurrentDictionary<string, Batches> Cache = new();
        private readonly ConcurrentQueue<(long Order, byte[] Body)> _bodies = new();

        public List<byte[]> Bodies { get; } = [];
        public long Records { get; private set; }

        public static Batches Of(string protocol) => Cache.GetOrAdd(protocol, p =>
        {
            var batches = new Batches();
            var options = new PipelineOptions
            {
                Protocol = p == "otlp" ? SigNozProtocol.Otlp : SigNozProtocol.Json,
                MaxInFlightBatches = 1,
            };
            var source = FlowLogSource.FromKey("bucket",
                "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-0a1b_20261122T1005Z_ab.log.gz");
            var text = new MemoryStream();
            Cli.BenchObject.Write(text, BenchmarkData.Records, v5: false);
            var summary = new FlowLogPipeline(batches, options, TimeProvider.System)
                .ForwardAsync(new MemoryStream(text.ToArray(), writable: false), source, CancellationToken.None).GetAwaiter().GetResult();
            batches.Records = summary.RecordsForwarded;
            batches.Bodies.AddRange(batches._bodies.OrderBy(b => b.Order).Select(b => b.Body));
            return batches;
        });

        public ValueTask<DeliveryResult> SendAsync(SigNozBatch batch, CancellationToken cancellationToken)
        {
            // The body as sent, within a few bytes: an OTLP batch goes after its request head (the resource, plus the
            // tags and lengths of the enclosing messages), a JSON batch as it is.
            byte[] body = [.. batch.Resource ?? [], .. batch.Json.Span];
            _bodies.Enqueue((batch.FirstLine, body));
            return ValueTask.FromResult(new DeliveryResult(DeliveryStatus.Delivered, 1, 200, null));
        }
    }

    private sealed class WireColumnConfig : ManualConfig
    {
        public WireColumnConfig() => AddColumn(new WireBytesColumn());
    }

    private sealed class WireBytesColumn : IColumn
    {
        public string Id => nameof(WireBytesColumn);
        public string ColumnName => "Wire B/record";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Size;
        public string Legend => "Compressed bytes per record of the same batches";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var protocol = (string)benchmarkCase.Parameters["Protocol"];
            var codec = (string)benchmarkCase.Parameters["Codec"];
            return WireBytesPerRecord(protocol, codec).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
