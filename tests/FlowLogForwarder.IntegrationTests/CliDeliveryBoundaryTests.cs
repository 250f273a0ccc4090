using System.Text.Json;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;
using static FlowLogForwarder.IntegrationTests.HostileReceiverScenarios;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// The CLI as a user runs it (<c>flowlog-forward send</c>, a real process) against a loopback SigNoz receiver that
/// answers what a misconfigured or hostile endpoint would: redirects, unexpected statuses, echoed keys, huge, stalled
/// and undecodable error bodies, and records it refuses. The rule under test: only a 2xx delivers; what is not
/// understood fails the object; nothing crashes, hangs, leaks the key or is silently dropped.
/// </summary>
public sealed class CliDeliveryBoundaryTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "cli-boundary-key-5d1e9b7c";
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(45);
    private readonly string _dir = Directory.CreateTempSubdirectory("flowlog-boundary-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Object(string name, int records)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, GzipObject(records));
        return path;
    }

    private async Task<SendRun> SendAsync(LoopbackSigNozServer server, string[] files, params (string Name, string Value)[] extra)
    {
        var run = await HostileReceiverScenarios.SendAsync(files, CliEnvironment(server.Endpoint, Key, extra), Bounded);
        output.WriteLine(run.ToString());
        Assert.DoesNotContain(Key, run.Stdout + run.Stderr, StringComparison.Ordinal);
        return run;
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_never_followed_and_fails_the_object_naming_the_status_and_host(int status)
    {
        await using var elsewhere = await LoopbackSigNozServer.StartAsync();
        await using var server = await LoopbackSigNozServer.StartAsync(Key);
        server.FaultFor = _ => new ServerFault.Redirect(status, elsewhere.Endpoint);
        var file = Object("redirected.log.gz", 50);

        var run = await SendAsync(server, [file]);

        AssertFailedCleanly(run);
        Assert.Equal(0, elsewhere.Requests);
        Assert.Null(elsewhere.LastHeaders);
        Assert.Equal(0, elsewhere.RecordsAccepted);
        Assert.Equal(0, server.RecordsAccepted);
        var summary = run.Summary;
        Assert.Equal("Failed", summary.Str("outcome"));
        Assert.Equal(0, summary.Num("recordsForwarded"));
        Assert.Equal(0, summary.Num("recordsRejected"));
        Assert.Equal(50, summary.Num("recordsFailed"));
        var error = summary.Str("error");
        Assert.Contains($"HTTP {status}", error, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("directory")]
    public async Task A_file_that_cannot_be_opened_gets_an_Unreadable_summary_and_the_others_are_still_sent(string kind)
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key, PacketsId);
        var first = Object("first.log.gz", 120);
        var broken = Path.Combine(_dir, kind == "missing" ? "does-not-exist.log.gz" : "a-directory.log.gz");
        if (kind == "directory")
        {
            Directory.CreateDirectory(broken);
        }
        var last = Object("last.log.gz", 80);

        var run = await SendAsync(server, [first, broken, last]);

        AssertFailedCleanly(run);
        Assert.Equal([first, broken, last], run.Summaries.Select(s => s.Str("objectKey")));
        Assert.Equal(["Completed", "Unreadable", "Completed"], run.Summaries.Select(s => s.Str("outcome")));
        Assert.False(string.IsNullOrWhiteSpace(run.Summaries[1].Str("error")), "the unreadable file's summary gives no reason");
        Assert.Equal([120L, 0L, 80L], run.Summaries.Select(s => s.Num("recordsForwarded")));
        Assert.Equal(200, server.RecordsAccepted);
        Assert.NotNull(run.Totals);
        Assert.Equal(3, run.Totals.Value.Num("files"));
    }

    [Fact]
    public async Task A_401_whose_body_quotes_the_key_never_prints_the_key()
    {
        await using var server = await LoopbackSigNozServer.StartAsync();
        server.FaultFor = _ => new ServerFault.WithBody(401, $"{{\"error\":\"key {Key} is not valid for this tenant\",\"header\":\"signoz-ingestion-key: {Key}\"}}",
            "application/json");
        var file = Object("unauthorized.log.gz", 30);

        var run = await SendAsync(server, [file]);

        AssertFailedCleanly(run);
        Assert.Equal(Key, server.LastHeaders?["signoz-ingestion-key"].ToString());
        var summary = run.Summary;
        Assert.Equal("Failed", summary.Str("outcome"));
        Assert.Contains("401", summary.Str("error"), StringComparison.Ordinal);
        Assert.Contains("[redacted]", summary.Str("error"), StringComparison.Ordinal);
        Assert.Contains("is not valid for this tenant", summary.Str("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_500_MB_error_body_is_not_read_whole()
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key);
        server.FaultFor = _ => new ServerFault.HugeBody(500, 500L * 1024 * 1024);
        var file = Object("huge-error.log.gz", 40);

        var run = await SendAsync(server, [file], ("SIGNOZ_MAX_ATTEMPTS", "1"), ("SIGNOZ_ATTEMPT_TIMEOUT_SECONDS", "20"));

        AssertFailedCleanly(run);
        Assert.Equal("Failed", run.Summary.Str("outcome"));
        Assert.Contains("HTTP 500", run.Summary.Str("error"), StringComparison.Ordinal);
        Assert.True(run.Summary.Str("error").Length < 1000, "the error carries more than a short excerpt of the body");
        Assert.NotNull(run.Totals);
        var peak = run.Totals.Value.Num("peakRssBytes");
        output.WriteLine($"peak RSS with a 500 MB error body: {peak / 1048576.0:F1} MiB; {run.Elapsed.TotalSeconds:F1} s");
        Assert.True(peak is > 0 and < 300L * 1024 * 1024, $"peak RSS {peak / 1048576} MiB: the error body was buffered");
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(20), $"took {run.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task A_stalled_error_body_is_bounded_by_the_attempt_timeout()
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key);
        server.FaultFor = _ => new ServerFault.StalledBody(500, TimeSpan.FromSeconds(90));
        var file = Object("stalled-error.log.gz", 40);

        var run = await HostileReceiverScenarios.SendAsync([file],
            CliEnvironment(server.Endpoint, Key, ("SIGNOZ_MAX_ATTEMPTS", "1"), ("SIGNOZ_ATTEMPT_TIMEOUT_SECONDS", "2")), TimeSpan.FromSeconds(25));
        output.WriteLine(run.ToString());

        AssertFailedCleanly(run);
        Assert.Equal("Failed", run.Summary.Str("outcome"));
        Assert.Equal(40, run.Summary.Num("recordsFailed"));
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(15), $"took {run.Elapsed.TotalSeconds:F1} s with a 2 s attempt timeout");
    }

    [Theory]
    [InlineData(400)]
    [InlineData(500)]
    public async Task An_error_body_in_an_unknown_charset_gives_a_summary_not_a_crash(int status)
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key);
        server.FaultFor = _ => new ServerFault.WithBody(status, "bad things \u00e9 happened", "text/plain; charset=no-such-charset");
        var file = Object("charset.log.gz", 20);

        var run = await SendAsync(server, [file], ("SIGNOZ_MAX_ATTEMPTS", "1"));

        AssertFailedCleanly(run);
        var summary = run.Summary;
        Assert.Equal("Failed", summary.Str("outcome"));
        Assert.Equal(0, summary.Num("recordsForwarded"));
        Assert.Equal(0, summary.Num("recordsRejected"));
        Assert.Contains($"HTTP {status}", summary.Str("error"), StringComparison.Ordinal);
        Assert.Contains("bad things", summary.Str("error"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(405)]
    [InlineData(410)]
    [InlineData(415)]
    [InlineData(422)]
    public async Task A_status_that_is_not_understood_fails_the_object_instead_of_dropping_records(int status)
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key);
        server.FaultFor = _ => new ServerFault.Status(status);
        var file = Object("status.log.gz", 60);

        var run = await SendAsync(server, [file]);

        AssertFailedCleanly(run);
        var summary = run.Summary;
        Assert.Equal("Failed", summary.Str("outcome"));
        Assert.Equal(0, summary.Num("recordsRejected"));
        Assert.Equal(0, summary.Num("recordsForwarded"));
        Assert.Equal(60, summary.Num("recordsFailed"));
        Assert.Equal(0, summary.Num("acknowledgedThroughLine"));
        Assert.Contains($"HTTP {status}", summary.Str("error"), StringComparison.Ordinal);
        // Under the default SIGNOZ_COMPRESSION=auto a 415 to a gzip body is understood as "no gzip": the batch is
        // sent once more, plain, and a 415 to that stops the object too.
        Assert.Equal(status == 415 ? 2 : 1, server.Requests);
    }

    [Fact]
    public async Task Junk_after_a_complete_gzip_member_is_reported_not_called_truncation()
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key, PacketsId);
        var junk = "\n\0\0 padding written by a tool that appended to the object \u00ff\n"u8.ToArray();
        var file = Path.Combine(_dir, "junk.log.gz");
        File.WriteAllBytes(file, [.. GzipObject(500), .. junk]);

        var run = await SendAsync(server, [file]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = run.Summary;
        Assert.Equal("Completed", summary.Str("outcome"));
        Assert.Equal(junk.Length, summary.Num("trailingBytesIgnored"));
        Assert.Equal(500, summary.Num("recordsForwarded"));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), server.AcceptedIds.SelectMany(ids => ids).Order());
    }

    [Fact]
    public async Task A_truncated_gzip_is_still_unreadable()
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key);
        var whole = GzipObject(5000);
        var file = Path.Combine(_dir, "truncated.log.gz");
        File.WriteAllBytes(file, whole[..(whole.Length * 2 / 3)]);

        var run = await SendAsync(server, [file]);

        AssertFailedCleanly(run);
        var summary = run.Summary;
        Assert.Equal("Unreadable", summary.Str("outcome"));
        Assert.Contains("truncated", summary.Str("error"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, summary.Num("trailingBytesIgnored"));
        Assert.Equal(summary.Num("recordsForwarded"), server.RecordsAccepted);
    }

    [Fact]
    public async Task An_end_time_beyond_int64_nanoseconds_is_skipped_with_its_own_reason()
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key, PacketsId);
        var lines = new List<string> { FlowLogGenerator.DefaultHeader };
        lines.AddRange(Enumerable.Range(0, 10).Select(i => FlowLogGenerator.Line(i)));
        var far = FlowLogGenerator.Line(10).Split(' ');
        far[11] = "9223372037"; // end: 9223372037 s is past 2^63 - 1 ns
        lines.Add(string.Join(' ', far));
        var file = Path.Combine(_dir, "far-future.log.gz");
        File.WriteAllBytes(file, GzipLines(lines));

        var run = await SendAsync(server, [file]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = run.Summary;
        Assert.Equal("Completed", summary.Str("outcome"));
        Assert.Equal(10, summary.Num("recordsForwarded"));
        Assert.Equal(1, summary.Num("recordsSkipped"));
        Assert.Equal(1, summary.GetProperty("skippedByReason").Num("TimestampOutOfRange"));
        Assert.Equal(LineOf(10), summary.GetProperty("skippedSamples")[0].Num("line"));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), server.AcceptedIds.SelectMany(ids => ids).Order());
    }

    [Fact]
    public async Task Three_bad_records_in_ten_thousand_are_bisected_out_and_every_other_record_delivered()
    {
        long[] bad = [1234, 5000, 8765];
        await using var server = await LoopbackSigNozServer.StartAsync(Key, PacketsId, keepBodies: false);
        server.RefuseRecord = RefuseIds(bad);
        var file = Object("three-bad.log.gz", 10_000);

        var run = await SendAsync(server, [file]);

        // Rejected records are final (counted with their reason) yet not delivered: the documented exit code is 1.
        AssertFailedCleanly(run);
        var summary = run.Summary;
        Assert.Equal("Completed", summary.Str("outcome"));
        Assert.Equal(9_997, summary.Num("recordsForwarded"));
        Assert.Equal(3, summary.Num("recordsRejected"));
        Assert.Equal(0, summary.Num("recordsFailed"));
        Assert.Equal(9_997, server.RecordsAccepted);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i).Except(bad), server.AcceptedIds.SelectMany(ids => ids).Order());
        var rejected = summary.GetProperty("rejectedRecords").EnumerateArray().ToList();
        Assert.Equal(bad.Select(LineOf), rejected.Select(r => r.Num("line")));
        Assert.All(rejected, r => Assert.Equal(400, r.Num("httpStatus")));
        Assert.All(rejected.Zip(bad), pair => Assert.Contains($"packets={pair.Second} is invalid", pair.First.Str("reason"), StringComparison.Ordinal));
        Assert.Equal(LineOf(9_999), summary.Num("acknowledgedThroughLine"));

        var batches = summary.Num("batches");
        var split = summary.Num("splitRequests");
        output.WriteLine($"3 bad records in 10,000: {batches} batches, {summary.Num("requestsRefused")} requests refused, " +
            $"{split} extra (split) requests, {server.Requests} requests at the receiver");
        // Every request the receiver saw is a batch, a half of a split one, or a counted retry of either (a transient
        // fault on a loaded machine: a pooled connection the receiver had closed, an attempt that timed out).
        Assert.Equal(batches + split + summary.Num("retries"), server.Requests);
        // At most about 2*log2(n) extra requests per bad record, n being the records of the batch it was in.
        Assert.InRange(split, 3, 3 * 2 * (long)Math.Ceiling(Math.Log2(10_000)));
    }
    [Theory]
    [InlineData("bad\u0001key-3e7a")]
    [InlineData("bad key-3e7a")]
    [InlineData("bad\u007fkey-3e7a")]
    public async Task A_key_with_a_control_character_or_inner_space_is_a_configuration_error_naming_the_variable(string badKey)
    {
        await using var server = await LoopbackSigNozServer.StartAsync();
        var file = Object("never-sent.log.gz", 5);

        var run = await HostileReceiverScenarios.SendAsync([file], CliEnvironment(server.Endpoint, badKey), Bounded);
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 2, $"bad configuration must exit 2: {run}");
        Assert.Contains("SIGNOZ_INGESTION_KEY", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("key-3e7a", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }
}
