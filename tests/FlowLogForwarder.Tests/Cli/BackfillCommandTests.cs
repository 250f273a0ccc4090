using FlowLogForwarder.Cli.Commands;

namespace FlowLogForwarder.Tests.Cli;

/// <summary><c>backfill</c>'s command line, parsed as the CLI parses it: options that would be silently ignored are refused.</summary>
public class BackfillCommandTests
{
    private static List<string> Errors(params string[] args) => [.. FlowLogCli.Create().Parse(args).Errors.Select(e => e.Message)];

    [Theory]
    [InlineData("--concurrency", "4", "--concurrency does not apply with --via-queue")]
    [InlineData("--endpoint", "https://ingest.example.com/logs/json", "--endpoint does not apply with --via-queue")]
    public void An_option_the_function_would_ignore_is_refused_with_via_queue(string option, string value, string expected)
    {
        var error = Assert.Single(Errors("backfill", "s3://b-1/", "--via-queue", "https://sqs.us-east-1.amazonaws.com/1/q", option, value));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_options_without_via_queue_and_via_queue_alone_parse()
    {
        Assert.Empty(Errors("backfill", "s3://b-1/", "--concurrency", "4", "--endpoint", "https://ingest.example.com/logs/json"));
        Assert.Empty(Errors("backfill", "s3://b-1/", "--via-queue", "https://sqs.us-east-1.amazonaws.com/1/q", "--wait"));
    }
}
