using System.Text.Json;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>The CLI as a user runs it, against a loopback SigNoz endpoint.</summary>
public sealed class CliEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "integration-secret-key-42";
    private readonly string _dir = Directory.CreateTempSubdirectory("flowlog-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static long PacketsId(JsonElement record) => record.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64();

    private static Dictionary<string, string> Env(LoopbackSigNozServer server) => new()
    {
        ["SIGNOZ_ENDPOINT"] = server.Endpoint.ToString(),
        ["SIGNOZ_INGESTION_KEY"] = Key,
        ["SIGNOZ_ALLOW_HTTP"] = "true",
    };

    private async Task<(JsonElement Totals, JsonElement Summary)> SendAsync(LoopbackSigNozServer server, string file, params string[] extra)
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["send", file, .. extra], Env(server));
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.DoesNotContain(Key, stdout + stderr, StringComparison.Ordinal);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (JsonDocument.Parse(lines[^1]).RootElement.Clone(), JsonDocument.Parse(lines[0]).RootElement.Clone());
    }

    [Fact]
    public async Task A_million_records_arrive_exactly_once_in_order_with_flat_memory()
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key, PacketsId, keepBodies: false);
        var small = Path.Combine(_dir, "123456789012_vpcflowlogs_us-east-1_fl-small_20261122T1000Z_aa.log.gz");
        var large = Path.Combine(_dir, "123456789012_vpcflowlogs_us-east-1_fl-large_20261122T1000Z_bb.log.gz");
        FlowLogGenerator.WriteGzip(small, 100_000);
        FlowLogGenerator.WriteGzip(large, 1_000_000);

        var (smallTotals, _) = await SendAsync(server, small);
        var smallPeak = smallTotals.GetProperty("peakRssBytes").GetInt64();
        var acceptedBefore = server.AcceptedIds.Count;

        var (totals, summary) = await SendAsync(server, large);

        Assert.Equal(1_000_000, summary.GetProperty("recordsForwarded").GetInt64());
        Assert.Equal("Completed", summary.GetProperty("outcome").GetString());
        // Exactly once: each batch in order, and the batches (several in flight) cover 0..N-1 once each.
        var batches = server.AcceptedIds.Skip(acceptedBefore).ToList();
        Assert.All(batches, ids => Assert.Equal(Enumerable.Range((int)ids[0], ids.Length).Select(i => (long)i), ids));
        var all = batches.OrderBy(ids => ids[0]).SelectMany(ids => ids).ToArray();
        Assert.Equal(1_000_000, all.Length);
        for (var i = 0; i < all.Length; i++)
        {
            Assert.True(all[i] == i, $"record {i} arrived as {all[i]}");
        }

        var peak = totals.GetProperty("peakRssBytes").GetInt64();
        output.WriteLine($"peak RSS: 100k records {smallPeak / 1048576.0:F1} MiB, 1M records {peak / 1048576.0:F1} MiB; " +
            $"{totals.GetProperty("recordsPerSecond").GetDouble():F0} records/s");
        // Ten times the records may not cost more than a little more memory (GC heuristics vary by a few MiB).
        Assert.True(peak < smallPeak * 1.25 + 16 * 1048576, $"peak RSS grew with object size: {smallPeak} -> {peak}");
    }

    [Fact]
    public async Task With_one_batch_in_flight_records_arrive_in_exact_order()
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key, PacketsId, keepBodies: false);
        var file = Path.Combine(_dir, "ordered.log.gz");
        FlowLogGenerator.WriteGzip(file, 20_000, FlowLogGenerator.V5Header);
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["send", file],
            new Dictionary<string, string>(Env(server)) { ["FLOWLOG_MAX_IN_FLIGHT"] = "1", ["FLOWLOG_BATCH_MAX_RECORDS"] = "1000" });
        Assert.True(exit == 0, stderr);
        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => (long)i), server.AcceptedIds.SelectMany(ids => ids));
        Assert.Contains("\"recordsForwarded\":20000", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bundled_samples_are_forwarded_in_one_command()
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key);
        // As make demo sends them: the objects (one of them header-less), then the saved CloudWatch Logs delivery.
        var dir = Path.Combine(RepoPaths.Root, "tests", "samples");
        string[] samples = [.. Directory.GetFiles(dir, "*.log.gz"), .. Directory.GetFiles(dir, "*.json")];
        Assert.Equal(5, samples.Length);
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["send", .. samples], Env(server));
        Assert.True(exit == 0, stderr);
        Assert.Equal(25, server.RecordsAccepted);
        Assert.Contains("\"recordsForwarded\":25", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_prints_one_valid_record_per_line()
    {
        var sample = Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "samples"), "*fl-0a1b2c3d4e5f67890*.log.gz").Single();
        var (exit, stdout, _) = await CliProcess.RunAsync(["preview", sample]);
        Assert.Equal(0, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.All(lines, line => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(line).RootElement.ValueKind));
    }

    [Fact]
    public async Task Preview_and_send_recognise_Parquet_by_its_content_not_its_name()
    {
        var sample = Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "samples"), "*.log.parquet").Single();
        var renamed = Path.Combine(_dir, "flowlog.bin");
        File.Copy(sample, renamed);

        var (exit, stdout, stderr) = await CliProcess.RunAsync(["preview", renamed]);
        Assert.Equal(0, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.All(lines, line => Assert.Equal(29, JsonDocument.Parse(line).RootElement.GetProperty("body").GetString()!.Split(' ').Length));
        Assert.Contains("\"outcome\":\"Completed\"", stderr, StringComparison.Ordinal);

        await using var server = await LoopbackSigNozServer.StartAsync(Key);
        var (sendExit, summaries, _) = await CliProcess.RunAsync(["send", renamed], Env(server));
        Assert.Equal(0, sendExit);
        Assert.Equal(8, server.RecordsAccepted);
        Assert.Contains("\"recordsForwarded\":8", summaries, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_exits_non_zero_and_never_prints_the_key()
    {
        await using var server = await LoopbackSigNozServer.StartAsync("the-right-key");
        var file = Path.Combine(_dir, "x.log.gz");
        FlowLogGenerator.WriteGzip(file, 10);
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["send", file], Env(server));
        Assert.Equal(1, exit);
        Assert.Contains("Unauthorized", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_configuration_exits_2_naming_the_variable()
    {
        var file = Path.Combine(_dir, "x.log.gz");
        FlowLogGenerator.WriteGzip(file, 1);
        var (exit, _, stderr) = await CliProcess.RunAsync(["send", file, "--endpoint", "http://127.0.0.1:9/logs/json"]);
        Assert.Equal(2, exit);
        Assert.Contains("SIGNOZ_ENDPOINT: must use https", stderr, StringComparison.Ordinal);
    }
}
