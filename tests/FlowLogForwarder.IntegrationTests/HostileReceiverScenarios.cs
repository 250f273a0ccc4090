using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>One run of <c>flowlog-forward send</c>: its exit code, output, the per-object summaries and the totals line.</summary>
internal sealed record SendRun(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, IReadOnlyList<JsonElement> Summaries, JsonElement? Totals)
{
    public JsonElement Summary => Assert.Single(Summaries);

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>What the delivery-boundary tests share: flow log objects with known records, and the CLI run as a user runs it.</summary>
internal static class HostileReceiverScenarios
{
    /// <summary>Record i of <see cref="FlowLogGenerator"/> is on line i + 2 (line 1 is the header).</summary>
    public static long LineOf(long record) => record + 2;

    /// <summary>The record id the generator puts in <c>packets</c>.</summary>
    public static long PacketsId(JsonElement record) => record.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64();

    /// <summary>A receiver predicate that refuses (as SigNoz does, the whole request) any request carrying one of <paramref name="ids"/>.</summary>
    public static Func<JsonElement, string?> RefuseIds(params long[] ids)
    {
        var bad = ids.ToHashSet();
        return record => bad.Contains(PacketsId(record)) ? $"record with packets={PacketsId(record)} is invalid" : null;
    }

    /// <summary>The gzipped bytes of an object of <paramref name="records"/> generated records.</summary>
    public static byte[] GzipObject(int records)
    {
        using var gzip = new MemoryStream();
        using (var zip = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            FlowLogGenerator.Write(zip, records);
        }
        return gzip.ToArray();
    }

    /// <summary>The gzipped bytes of an object whose lines are given.</summary>
    public static byte[] GzipLines(IEnumerable<string> lines)
    {
        using var gzip = new MemoryStream();
        using (var zip = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new StreamWriter(zip, new System.Text.UTF8Encoding(false)) { NewLine = "\n" })
        {
            foreach (var line in lines)
            {
                writer.WriteLine(line);
            }
        }
        return gzip.ToArray();
    }

    public static Dictionary<string, string> CliEnvironment(Uri endpoint, string? key, params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string> { ["SIGNOZ_ENDPOINT"] = endpoint.ToString() };
        if (key is not null)
        {
            environment["SIGNOZ_INGESTION_KEY"] = key;
        }
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }
        return environment;
    }

    /// <summary>Runs <c>send FILES --allow-http</c>, bounded by <paramref name="timeout"/>, and parses its output.</summary>
    public static async Task<SendRun> SendAsync(IEnumerable<string> files, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["send", .. files, "--allow-http"], environment, timeout);
        clock.Stop();
        var summaries = new List<JsonElement>();
        JsonElement? totals = null;
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }
            var element = JsonDocument.Parse(line).RootElement.Clone();
            if (element.TryGetProperty("objectKey", out _))
            {
                summaries.Add(element);
            }
            else if (element.TryGetProperty("files", out _))
            {
                totals = element;
            }
        }
        return new SendRun(exit, stdout, stderr, clock.Elapsed, summaries, totals);
    }

    /// <summary>The process ended by itself with the documented failure code: no crash (134), no stack trace.</summary>
    public static void AssertFailedCleanly(SendRun run)
    {
        Assert.False(run.ExitCode == 134, $"the CLI crashed (SIGABRT, an unhandled exception): {run}");
        Assert.DoesNotContain("Unhandled exception", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 1, $"expected exit code 1: {run}");
    }

    public static string Str(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    public static long Num(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
}
