namespace FlowLogForwarder.IntegrationTests;

/// <summary><c>flowlog-forward backfill</c>'s command line: help, and usage errors that exit 2 before any AWS call.</summary>
public sealed class BackfillCommandLineTests(MotoFixture aws) : IClassFixture<MotoFixture>
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
    [InlineData(new[] { "backfill", "s3://bad bucket/" }, "not a bucket name")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--from", "yesterday" }, "--from takes YYYY-MM-DD")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--to", "2026-13-01" }, "--to takes YYYY-MM-DD")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--from", "2026-11-22", "--to", "2026-11-21" }, "--from is after --to")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--wait" }, "--wait needs --via-queue")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--concurrency", "0" }, "--concurrency")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--form", "2026-11-21" }, "'--form'")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--via-queue", "https://sqs.us-east-1.amazonaws.com/1/q", "--concurrency", "4" }, "--concurrency does not apply")]
    [InlineData(new[] { "backfill", "s3://b-1/", "--via-queue", "https://sqs.us-east-1.amazonaws.com/1/q", "--endpoint", "https://e.example/logs/json" },
        "--endpoint does not apply")]
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

        // The dry run, with no endpoint, runs: it lists, and as it cannot read this destination's progress it says so once
        // and reports each object as unknown rather than "to send".
        var bucket = "dry-" + Guid.NewGuid().ToString("N")[..10];
        await aws.S3.PutBucketAsync(bucket);
        var puts = await BackfillObjects.PutAsync(aws.S3, bucket, days: [22], perDay: 3, records: 2, hive: false);
        var (dryExit, stdout, dryStderr) = await CliProcess.RunAsync(["backfill", $"s3://{bucket}/", "--dry-run", "--json"], aws.CliEnvironment());
        Assert.True(dryExit == 0, dryStderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(puts.Count + 1, lines.Length);
        Assert.All(lines[..^1], l => Assert.Contains("\"state\":\"unknown\"", l, StringComparison.Ordinal));
        Assert.Contains("\"unknown\":3", lines[^1], StringComparison.Ordinal);
        var warning = Assert.Single(dryStderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("SIGNOZ_ENDPOINT", warning, StringComparison.Ordinal);
    }
}
