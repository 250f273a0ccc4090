using System.Diagnostics;
using System.Text.Json;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary><c>flowlog-forward backfill</c> against moto's S3 and the loopback SigNoz: windows, layouts, filters,
/// an interruption and re-runs, checked record by record.</summary>
public sealed class BackfillTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private Dictionary<string, string> Env(LoopbackSigNozServer signoz) => aws.CliEnvironment(signoz.Endpoint);

    private async Task<string> BucketAsync()
    {
        var bucket = "backfill-" + Guid.NewGuid().ToString("N")[..10];
        await aws.S3.PutBucketAsync(bucket);
        return bucket;
    }

    private async Task<(int Exit, string[] Lines, string Stderr)> RunAsync(IEnumerable<string> args, Dictionary<string, string> env, Action<Process>? started = null)
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(args, env, Timeout, started);
        output.WriteLine($"exit {exit}\n{(stdout.Length > 4000 ? stdout[^4000..] : stdout)}\n{stderr}");
        return (exit, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr);
    }

    private static JsonElement Json(string line) => JsonDocument.Parse(line).RootElement.Clone();

    private static long[] Delivered(LoopbackSigNozServer signoz) => [.. signoz.AcceptedIds.SelectMany(ids => ids).Order()];

    [Fact]
    public async Task A_window_over_both_layouts_is_sent_record_exact_and_a_rerun_sends_nothing()
    {
        var bucket = await BucketAsync();
        var puts = await BackfillObjects.PutAsync(aws.S3, bucket, days: [20, 21, 22, 23, 24], perDay: 30, records: 10); // 300 objects
        var inWindow = puts.Where(p => p.Day is >= 21 and <= 23).ToList();
        await using var signoz = await LoopbackSigNozServer.StartAsync(recordId: BackfillObjects.PacketsId, keepBodies: false);
        var env = Env(signoz);
        string[] window = ["backfill", $"s3://{bucket}/", "--from", "2026-11-21", "--to", "2026-11-23", "--json"];

        // The dry run lists exactly the window's objects, sends nothing, and says all are to send.
        var (dryExit, dryLines, _) = await RunAsync([.. window, "--dry-run"], env);
        Assert.Equal(0, dryExit);
        Assert.Equal(inWindow.Select(p => p.Key).Order(), dryLines[..^1].Select(l => Json(l).GetProperty("key").GetString()!).Order());
        var dryTotals = Json(dryLines[^1]);
        Assert.Equal(180, dryTotals.GetProperty("objects").GetInt64());
        Assert.Equal(180, dryTotals.GetProperty("toSend").GetInt64());
        Assert.True(dryTotals.GetProperty("bytes").GetInt64() > 0);
        Assert.Equal(0, signoz.Requests);

        // The run sends each record of the window once, and none outside it.
        var (exit, lines, _) = await RunAsync(window, env);
        Assert.Equal(0, exit);
        Assert.Equal(inWindow.SelectMany(p => p.Ids).Order(), Delivered(signoz));
        var totals = Json(lines[^1]);
        Assert.Equal(180, totals.GetProperty("objects").GetInt64());
        Assert.Equal(1800, totals.GetProperty("recordsForwarded").GetInt64());

        // A re-run finds every object already delivered (the function's progress tags) and sends nothing.
        var (again, againLines, _) = await RunAsync(window, env);
        Assert.Equal(0, again);
        Assert.Equal(inWindow.SelectMany(p => p.Ids).Order(), Delivered(signoz));
        Assert.Equal(180, Json(againLines[^1]).GetProperty("objectsSkipped").GetInt64());
        var (_, dryAfter, _) = await RunAsync([.. window, "--dry-run"], env);
        Assert.Equal(180, Json(dryAfter[^1]).GetProperty("alreadyDelivered").GetInt64());

        // One day of one region's Hive folders, by region and flow log id: only those 30 objects more.
        var (hiveExit, hiveLines, _) = await RunAsync(["backfill", $"s3://{bucket}/{BackfillObjects.HiveRoot}", "--from", "2026-11-24", "--to", "2026-11-24",
            "--region", "eu-west-1", "--flow-log-id", "fl-05c6d7e8f9a0b1c2d", "--json", "--concurrency", "3"], env);
        Assert.Equal(0, hiveExit);
        Assert.Equal(30, Json(hiveLines[^1]).GetProperty("objects").GetInt64());
        Assert.Equal(inWindow.Concat(puts.Where(p => p.Hive && p.Day == 24)).SelectMany(p => p.Ids).Order(), Delivered(signoz));

        // A filter that matches nothing sends nothing and succeeds.
        var (noneExit, noneLines, _) = await RunAsync(["backfill", $"s3://{bucket}/", "--account", "999999999999", "--json"], env);
        Assert.Equal(0, noneExit);
        Assert.Equal(0, Json(noneLines[^1]).GetProperty("objects").GetInt64());
    }

    [Fact]
    public async Task Ctrl_C_midway_stops_cleanly_and_the_rerun_sends_only_the_rest_exactly_once()
    {
        var bucket = await BucketAsync();
        var puts = await BackfillObjects.PutAsync(aws.S3, bucket, days: [20, 21, 22, 23], perDay: 50, records: 10, hive: false); // 200 objects
        await using var signoz = await LoopbackSigNozServer.StartAsync(recordId: BackfillObjects.PacketsId, keepBodies: false);
        var env = Env(signoz);
        string[] args = ["backfill", $"s3://{bucket}/AWSLogs/", "--json", "--concurrency", "4"];

        // Each object is one request; at the 60th, Ctrl+C (SIGINT) reaches the process, as from a terminal.
        var pid = 0;
        signoz.FaultFor = n =>
        {
            if (n == 60)
            {
                using var kill = Process.Start("kill", ["-INT", Volatile.Read(ref pid).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
            }
            return new ServerFault.Delayed(TimeSpan.FromMilliseconds(10));
        };
        var (exit, lines, stderr) = await RunAsync(args, env, p => Volatile.Write(ref pid, p.Id));

        Assert.Equal(1, exit);
        Assert.Contains("stopped (Ctrl+C)", stderr, StringComparison.Ordinal);
        var first = Delivered(signoz);
        Assert.Equal(first.Distinct().Count(), first.Length); // nothing twice
        Assert.InRange(first.Length, 600, 1000); // the objects in flight finished; no new one started
        var totals = Json(lines[^1]);
        Assert.True(totals.GetProperty("objectsNotStarted").GetInt64() > 0, lines[^1]);
        Assert.Equal(first.Length, totals.GetProperty("recordsForwarded").GetInt64());

        // The re-run sends exactly what is missing: over both runs, every record once.
        signoz.FaultFor = null;
        var (again, againLines, _) = await RunAsync(args, env);
        Assert.Equal(0, again);
        Assert.Equal(puts.SelectMany(p => p.Ids).Order(), Delivered(signoz));
        Assert.Equal(first.Length / 10, Json(againLines[^1]).GetProperty("objectsSkipped").GetInt64());
    }
}
