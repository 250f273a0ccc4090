using System.Text.Json;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>preview and send take every input by its content, not its name: objects with or without a header line, and
/// saved CloudWatch Logs deliveries (the Lambda event or its payload).</summary>
public sealed class CliInputsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowlog-inputs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Sample(string name) => Path.Combine(RepoPaths.Root, "tests", "samples", name);

    private static List<JsonElement> Records(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task A_saved_Lambda_event_and_its_payload_preview_the_same_records_whatever_the_file_is_called()
    {
        var payload = await File.ReadAllTextAsync(Sample("cloudwatch-logs-payload.json"));
        var asEvent = Write("delivery.log.gz", await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "events", "cloudwatch-logs.json")));
        var asPayload = Write("payload.txt", "\uFEFF\n  " + payload);

        var (exitEvent, fromEvent, stderrEvent) = await CliProcess.RunAsync(["preview", asEvent]);
        var (exitPayload, fromPayload, stderrPayload) = await CliProcess.RunAsync(["preview", asPayload]);

        Assert.True(exitEvent == 0, stderrEvent);
        Assert.True(exitPayload == 0, stderrPayload);
        var records = Records(fromEvent);
        Assert.Equal(4, records.Count);
        // CloudWatch records carry the log group and stream, not the file name: both files give the same bytes.
        Assert.Equal(Records(fromPayload).Select(r => r.GetRawText()), records.Select(r => r.GetRawText()));
        Assert.Equal("/aws/vpc/flowlogs", records[0].GetProperty("resources").GetProperty("aws.log.group.names").GetString());
        Assert.Equal("38000000000000000000000000000000000000000000000000000002", records[2].GetProperty("attributes").GetProperty("log.record.uid").GetString());
        Assert.Equal("WARN", records[2].GetProperty("severity_text").GetString());
    }

    [Fact]
    public async Task A_control_message_yields_no_records_and_exit_0()
    {
        var file = Write("control.json", CloudWatchLogsEvents.LambdaEvent(CloudWatchLogsEvents.ControlPayload()));
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["preview", file]);
        Assert.True(exit == 0, stderr);
        Assert.Empty(stdout.Trim());
        Assert.Contains("\"outcome\":\"Completed\"", stderr, StringComparison.Ordinal);
        Assert.Contains("\"recordsRead\":0", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_headerless_file_is_read_in_FLOWLOG_FORMAT_or_the_format_flag_which_wins()
    {
        var file = Write("export.txt", "eni-0abc 10.0.0.5 10.0.0.6 443 1763805960 ACCEPT\neni-0abc 10.0.0.6 10.0.0.5 51000 1763805961 REJECT\n");
        const string Format = "${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${end} ${action}";

        var (exit, stdout, stderr) = await CliProcess.RunAsync(["preview", file, "--format", Format]);
        Assert.True(exit == 0, stderr);
        var records = Records(stdout);
        Assert.Equal([443, 51000], records.Select(r => r.GetProperty("attributes").GetProperty("destination.port").GetInt32()));

        var (envExit, envStdout, envStderr) = await CliProcess.RunAsync(["preview", file], new Dictionary<string, string> { ["FLOWLOG_FORMAT"] = Format });
        Assert.True(envExit == 0, envStderr);
        Assert.Equal(stdout, envStdout);

        // In AWS's default format the same file is not a flow log: the summary says why, and the exit code is 1.
        var (defaultExit, _, defaultStderr) = await CliProcess.RunAsync(["preview", file]);
        Assert.Equal(1, defaultExit);
        Assert.Contains("nor is it a record in the configured format", defaultStderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_format_flag_is_a_usage_error_naming_the_flag()
    {
        var (exit, _, stderr) = await CliProcess.RunAsync(["preview", Sample("cloudwatch-logs-payload.json"), "--format", "version srcaddr"]);
        Assert.Equal(2, exit);
        Assert.Contains("--format: is not a flow log format", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_JSON_file_that_is_no_delivery_is_unreadable_and_the_next_file_is_still_sent()
    {
        await using var server = await LoopbackSigNozServer.StartAsync("k");
        var other = Write("other.json", """{"Records":[]}""");
        var (exit, stdout, _) = await CliProcess.RunAsync(["send", other, Sample("cloudwatch-logs-payload.json")],
            new Dictionary<string, string> { ["SIGNOZ_ENDPOINT"] = server.Endpoint.ToString(), ["SIGNOZ_INGESTION_KEY"] = "k", ["SIGNOZ_ALLOW_HTTP"] = "true" });
        Assert.Equal(1, exit);
        Assert.Contains("neither a CloudWatch Logs event", stdout, StringComparison.Ordinal);
        Assert.Equal(4, server.RecordsAccepted);
    }
}
