using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Diagnostics;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Cli;

/// <summary>
/// <c>flowlog-forward bench</c>: generates a realistic gzipped flow log object, times plain GZipStream decompression of
/// it as the baseline, then forwards it through the real pipeline to a loopback HTTP endpoint (optionally behind a
/// link of limited rate) and prints records/s, bytes per record and the ratio.
/// </summary>
internal static class ThroughputHarness
{
    /// <summary>The wire protocols the bench can drive.</summary>
    public static readonly string[] Protocols = ["json", "otlp"];

    public static async Task<int> RunAsync(long records, bool v5, string? file, PipelineOptions pipelineOptions, BodyCompression compression,
        string protocol, double? linkMbps, TextWriter output, CancellationToken cancellationToken)
    {
        var path = file ?? Path.Combine(Path.GetTempPath(), $"flowlog-bench-{records}-{(v5 ? "v5" : "v2")}.log.gz");
        if (!File.Exists(path))
        {
            await output.WriteLineAsync($"generating {records:N0} records ({(v5 ? "v5 custom" : "v2 default")} format) into {path}").ConfigureAwait(false);
            BenchObject.WriteGzip(path, records, v5);
        }
        var gzBytes = new FileInfo(path).Length;

        // Baseline: plain decompression of the same file, into a reused buffer.
        var baseline = Stopwatch.StartNew();
        long textBytes = 0;
        await using (var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
        {
            var buffer = new byte[128 * 1024];
            int read;
            while ((read = await gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                textBytes += read;
            }
        }
        baseline.Stop();

        var origin = FlowLogSource.FromKey("bench", Path.GetFileName(path));
        Task<ForwardingSummary> ForwardAsync(FlowLogPipeline pipeline) => pipeline.ForwardAsync(File.OpenRead(path), origin, cancellationToken);

        // Warm the JIT on the same object first (a real container runs the AOT-compiled bootstrap, which needs none).
        await ForwardAsync(new FlowLogPipeline(new DiscardingSink(), pipelineOptions, TimeProvider.System)).ConfigureAwait(false);

        // The pipeline's own cost, without a network: batches are dropped as soon as they are built.
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var offline = Stopwatch.StartNew();
        var offlineSummary = await ForwardAsync(new FlowLogPipeline(new DiscardingSink(), pipelineOptions, TimeProvider.System)).ConfigureAwait(false);
        offline.Stop();
        var offlineAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        using var http = SigNozClient.CreateHttpClient();
        var wire = protocol == "otlp" ? SigNozProtocol.Otlp : SigNozProtocol.Json;
        FlowLogPipeline Sending(Uri endpoint) =>
            new(CreateExporter(wire, http, endpoint, compression), pipelineOptions with { Protocol = wire }, TimeProvider.System);
        // Warm the sending path too (encoder, compressor, HTTP) on an unthrottled sink: the compressors' managed code
        // (zstd is ZstdSharp, C#) would otherwise run its first megabytes at tier 0, which the Lambda's AOT code never does.
        await using (var warmSink = new CountingHttpSink())
        {
            await ForwardAsync(Sending(warmSink.Endpoint)).ConfigureAwait(false);
        }

        await using var sink = new CountingHttpSink(linkMbps is { } mbps ? new LinkThrottle(mbps, TimeProvider.System) : null);
        var timed = Sending(sink.Endpoint);
        allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var run = Stopwatch.StartNew();
        var summary = await ForwardAsync(timed).ConfigureAwait(false);
        run.Stop();
        // The whole process's CPU (the in-process receiver included): on a machine of N cores, N / this is the ceiling.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var runAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        var seconds = run.Elapsed.TotalSeconds;
        var forwarded = (double)Math.Max(1, summary.RecordsForwarded);
        var peakRss = (ProcessMemory.PeakResidentBytes() ?? 0) / 1048576.0;
        var c = CultureInfo.InvariantCulture;
        var report = new StringBuilder()
            .AppendLine(c, $"settings:      protocol={protocol} compression={compression} body={pipelineOptions.Body} link={(linkMbps is { } l ? l.ToString(c) + " Mbit/s" : "unlimited")}")
            .AppendLine(c, $"object:        {gzBytes / 1e6:F1} MB gzip, {textBytes / 1e6:F1} MB text, {summary.RecordsRead:N0} records ({summary.Outcome})")
            .AppendLine(c, $"gunzip alone:  {baseline.Elapsed.TotalSeconds:F3} s  ({textBytes / 1e6 / baseline.Elapsed.TotalSeconds:F0} MB/s, {summary.RecordsRead / baseline.Elapsed.TotalSeconds:N0} records/s)")
            .AppendLine(c, $"no network:    {offline.Elapsed.TotalSeconds:F3} s  ({offlineSummary.RecordsRead / offline.Elapsed.TotalSeconds:N0} records/s: gunzip, parse, map, JSON, batch; {offlineAllocated / (double)Math.Max(1, offlineSummary.RecordsRead):F1} B allocated/record)")
            .AppendLine(c, $"forwarding:    {seconds:F3} s  ({summary.RecordsForwarded / seconds:N0} records/s, {textBytes / 1e6 / seconds:F0} MB/s of text, {summary.BytesJson / 1e6 / seconds:F0} MB/s of JSON; {runAllocated / (double)Math.Max(1, summary.RecordsRead):F1} B allocated/record)")
            .AppendLine(c, $"CPU:           {cpu.TotalMicroseconds / forwarded:F2} µs a record over all threads, {cpu.TotalSeconds / seconds:F2} of {Environment.ProcessorCount} cores busy")
            .AppendLine(c, $"ratio:         {seconds / baseline.Elapsed.TotalSeconds:F2}x plain decompression")
            .AppendLine(c, $"sent:          {sink.Requests} requests, {summary.BytesJson / 1e6:F1} MB JSON ({summary.BytesJson / (double)Math.Max(1, summary.RecordsForwarded):F1} B/record), {sink.BodyBytes / 1e6:F1} MB on the wire ({compression}: {summary.BytesOut / (double)Math.Max(1, summary.RecordsForwarded):F1} B/record)")
            .AppendLine(c, $"peak RSS:      {peakRss:F1} MiB (whole process, generation included when it ran)")
            // One line for scripts that collect runs.
            .AppendLine(c, $"result: records_per_s={summary.RecordsForwarded / seconds:F0} json_bytes_per_record={summary.BytesJson / forwarded:F1} wire_bytes_per_record={summary.BytesOut / forwarded:F1} peak_rss_mib={peakRss:F1} cpu_us_per_record={cpu.TotalMicroseconds / forwarded:F2}");
        await output.WriteAsync(report.ToString()).ConfigureAwait(false);
        return summary.RecordsForwarded == summary.RecordsRead && sink.BodyBytes == summary.BytesOut ? 0 : 1;
    }

    // The one place the bench makes its exporter, so each protocol is measured through the same harness.
    private static BatchDeliverer CreateExporter(SigNozProtocol protocol, HttpClient http, Uri endpoint, BodyCompression compression) =>
        new(new SigNozClient(http, new SigNozClientOptions { Endpoint = endpoint, Compression = compression, Protocol = protocol }, TimeProvider.System));

    private sealed class DiscardingSink : IBatchSink
    {
        public ValueTask<DeliveryResult> SendAsync(Batching.SigNozBatch batch, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new DeliveryResult(DeliveryStatus.Delivered, 1, 200, null));
    }
}
