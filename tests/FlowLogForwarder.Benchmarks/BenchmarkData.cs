using System.IO.Compression;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Benchmarks;

/// <summary>Objects generated once per benchmark run: plain text lines and the gzipped object.</summary>
internal static class BenchmarkData
{
    public const int Records = 100_000;

    public static byte[] Text(string header)
    {
        var text = new MemoryStream();
        FlowLogGenerator.Write(text, Records, header);
        return text.ToArray();
    }

    public static byte[] Gzip(byte[] text)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(text);
        }
        return output.ToArray();
    }

    /// <summary>(start, length) of every line after the header.</summary>
    public static (int Start, int Length)[] Lines(byte[] text)
    {
        var lines = new List<(int, int)>();
        var start = Array.IndexOf(text, (byte)'\n') + 1;
        while (start < text.Length)
        {
            var end = Array.IndexOf(text, (byte)'\n', start);
            lines.Add((start, end - start));
            start = end + 1;
        }
        return [.. lines];
    }
}

/// <summary>Accepts every batch without I/O, so the pipeline's own cost is what is measured.</summary>
internal sealed class NullSink : IBatchSink
{
    public long Bytes;

    public ValueTask<DeliveryResult> SendAsync(SigNozBatch batch, CancellationToken cancellationToken)
    {
        Bytes += batch.Json.Length;
        return ValueTask.FromResult(new DeliveryResult(DeliveryStatus.Delivered, 1, 200, null));
    }
}
