namespace FlowLogForwarder.IntegrationTests;

/// <summary><c>flowlog-forward backfill</c>'s command line: help, and usage errors that exit 2 before any AWS call.</summary>
public sealed class BackfillCommandLineTests
{
    [Fact]
    public async Task Help_lists_every_option()
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["backfill", "--help"]);
        Assert.True(exit == 0, stderr);
        Assert.All(new[] { "<LOCATION>", "--from <TIME>", "--to <TIME>", "--account <ID>", "--region <R>", "--flow-log-id <ID>", "--dry-run",
            "--concurrency <N>", "--via-queue <QUEUE_URL>", "--wait", "--wait-minutes <N>", "--endpoint <URL>", "--allow-http", "--json", "--verbose" },
            text => Assert.Contains(text, stdout, StringComparison.Ordinal));
        var (_, root, _) = await CliProcess.RunAsync(["--help"]);
        Assert.Contains("backfill", root, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "backfill" }, "LOCATION")]
    [InlineData(new[] { "backfill", "my-bucket/AWSLogs/" }, "s3://bucket/prefix")]
    [InlineData(new[] { "backfill", "s3://Bad_Bucket/" }, "not a bucket name")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--from", "yesterday" }, "--from takes YYYY-MM-DD")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--to", "2026-13-01" }, "--to takes YYYY-MM-DD")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--from", "2026-11-22", "--to", "2026-11-21" }, "--from is after --to")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--wait" }, "--wait needs --via-queue")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--concurrency", "0" }, "--concurrency")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--form", "2026-11-21" }, "'--form'")]
    public async Task A_bad_value_exits_2_naming_it(string[] args, string named)
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task Forwarding_from_here_needs_an_endpoint_but_a_dry_run_does_not_ask_for_one()
    {
        var (exit, _, stderr) = await CliProcess.RunAsync(["backfill", "s3://b-1/", "--json"]);
        Assert.Equal(2, exit);
        Assert.Contains("SIGNOZ_ENDPOINT", stderr, StringComparison.Ordinal);
    }
}
