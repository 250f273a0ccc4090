using System.IO.Compression;
using System.Text.Json;
using Amazon.S3.Model;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// The published bootstrap's memory for 1,000,000 and 5,000,000-record objects (streamed from moto's S3 to a loopback
/// endpoint): peak RSS within 64 MiB for both, and the same managed heap after each.
/// </summary>
public sealed class BootstrapMemoryTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private const long MiB = 1024 * 1024;

    private async Task<(long PeakRss, long Heap)> MeasureAsync(string bucket, long records)
    {
        var key = $"AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-{records}_20261122T1005Z_ab.log.gz";
        var file = Path.Combine(Path.GetTempPath(), $"flowlog-memory-{records}.log.gz");
        try
        {
            FlowLogGenerator.WriteGzip(file, records);
            await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = file });
        }
        finally
        {
            File.Delete(file);
        }

        await using var signoz = await LoopbackSigNozServer.StartAsync(keepBodies: false);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(aws.BootstrapEnvironment(runtime, signoz.Endpoint));
        var evt = S3Events.ObjectCreatedIn(bucket, key);
        var outcome = await runtime.InvokeAsync(evt, TimeSpan.FromMinutes(5));
        Assert.False(outcome.IsError, outcome.Body + bootstrap.Output);
        Assert.Equal(records, signoz.RecordsAccepted);
        var peak = bootstrap.PeakResidentBytes();
        output.WriteLine($"{records:N0} records: bootstrap peak RSS {peak / (double)MiB:F1} MiB");
        output.WriteLine(bootstrap.MemoryStatus());
        var summaryLine = bootstrap.Output.Split('\n').Single(l => l.Contains("\"object completed\"", StringComparison.Ordinal));
        var heap = JsonDocument.Parse(summaryLine).RootElement.GetProperty("gcHeapBytes").GetInt64();
        output.WriteLine($"managed heap after the object: {heap / (double)MiB:F1} MiB");
        return (peak, heap);
    }

    [Fact]
    public async Task One_and_five_million_records_fit_in_64_MiB_and_leave_a_small_heap()
    {
        var bucket = "mem-" + Guid.NewGuid().ToString("N")[..12];
        await aws.S3.PutBucketAsync(bucket);

        var one = await MeasureAsync(bucket, 1_000_000);
        var five = await MeasureAsync(bucket, 5_000_000);

        Assert.True(one.PeakRss <= 64 * MiB, $"1M records: peak RSS {one.PeakRss / MiB} MiB is over 64 MiB");
        Assert.True(five.PeakRss <= 64 * MiB, $"5M records: peak RSS {five.PeakRss / MiB} MiB is over 64 MiB");
        // What the process keeps does not depend on the object: a few MiB of managed heap after either.
        Assert.True(one.Heap <= 16 * MiB && five.Heap <= 16 * MiB, $"managed heap after the objects: {one.Heap / MiB} MiB and {five.Heap / MiB} MiB");
    }
}
