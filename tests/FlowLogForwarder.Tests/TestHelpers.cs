using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests;

/// <summary>Runs the real pipeline over in-memory objects and collects the JSON it would send.</summary>
internal static class TestHelpers
{
    public static MemoryStream Gzip(string text, bool crlf = false)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            var bytes = Encoding.UTF8.GetBytes(crlf ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text);
            gzip.Write(bytes);
        }
        output.Position = 0;
        return output;
    }

    public static async Task<(ForwardingSummary Summary, List<JsonElement> Records, CollectingSink Sink)> RunAsync(
        Stream input, PipelineOptions? options = null, string key = "AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/11/22/x.log.gz")
    {
        var sink = new CollectingSink();
        var pipeline = new FlowLogPipeline(sink, options ?? new PipelineOptions(), TimeProvider.System);
        var summary = await pipeline.ForwardAsync(input, FlowLogSource.FromKey("flow-bucket", key), CancellationToken.None);
        return (summary, sink.Records(), sink);
    }

    /// <summary>Generated records <paramref name="from"/> onwards, one line each (no header).</summary>
    public static string Lines(int from, int count) =>
        string.Concat(Enumerable.Range(from, count).Select(i => FlowLogGenerator.Line(i) + "\n"));

    /// <summary>Each record's packets, which identify a generated record.</summary>
    public static long[] Packets(List<JsonElement> records) =>
        [.. records.Select(r => r.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64())];

    public static Task<(ForwardingSummary Summary, List<JsonElement> Records, CollectingSink Sink)> RunTextAsync(string text, PipelineOptions? options = null) =>
        RunAsync(Gzip(text), options);
}

/// <summary>A sink that keeps every batch's JSON, as the endpoint would receive it.</summary>
internal sealed class CollectingSink : IBatchSink
{
    private readonly List<byte[]> _batches = [];

    public IReadOnlyList<byte[]> Batches => _batches;

    public ValueTask<DeliveryResult> SendAsync(SigNozBatch batch, CancellationToken cancellationToken)
    {
        lock (_batches)
        {
            _batches.Add(batch.Json.ToArray());
        }
        return ValueTask.FromResult(new DeliveryResult(DeliveryStatus.Delivered, 1, 200, null));
    }

    public List<JsonElement> Records()
    {
        var records = new List<JsonElement>();
        foreach (var batch in _batches)
        {
            using var document = JsonDocument.Parse(batch);
            records.AddRange(document.RootElement.EnumerateArray().Select(e => e.Clone()));
        }
        return records;
    }
}
