using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>The CLI on a terminal: a pseudo-terminal (util-linux's <c>script</c>) makes its output a TTY, so it shows
/// the live display and the summary table instead of JSON lines.</summary>
public sealed class CliTerminalTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowlog-tty-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<ToolResult> InTerminalAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "flowlog-forward.dll");
        var command = string.Join(' ', new[] { "dotnet", dll }.Concat(args).Select(a => $"'{a}'"));
        // -q: no banner, -e: the child's exit code, -f: flush as written; the typescript itself is thrown away.
        var result = await ToolProcess.RunAsync("script", "apt-get install bsdutils (util-linux's script)", TimeSpan.FromMinutes(2),
            "-qefc", $"env TERM=xterm-256color COLUMNS=120 {command}", "/dev/null");
        output.WriteLine(result.Output);
        return result;
    }

    [Fact]
    public async Task Send_on_a_terminal_shows_progress_and_a_summary_table_not_json()
    {
        await using var server = await LoopbackSigNozServer.StartAsync();
        var good = Path.Combine(_dir, "good.log.gz");
        FlowLogGenerator.WriteGzip(good, 2_500);
        var missing = Path.Combine(_dir, "missing.log.gz");

        var (exit, text) = await InTerminalAsync("send", good, missing, "--endpoint", server.Endpoint.ToString(), "--allow-http");

        Assert.Equal(1, exit); // one file could not be opened
        Assert.Equal(2_500, server.RecordsAccepted);
        Assert.Contains("\u001b[", text, StringComparison.Ordinal); // drawn with ANSI sequences
        Assert.Contains("2/2 objects", text, StringComparison.Ordinal);
        Assert.Contains("Records forwarded", text, StringComparison.Ordinal);
        Assert.Contains("2,500", text, StringComparison.Ordinal);
        Assert.Contains("missing.log.gz: cannot be opened", text, StringComparison.Ordinal); // the failure on one line
        Assert.DoesNotContain("\"recordsForwarded\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_on_a_terminal_prints_the_json_lines()
    {
        await using var server = await LoopbackSigNozServer.StartAsync();
        var good = Path.Combine(_dir, "good.log.gz");
        FlowLogGenerator.WriteGzip(good, 100);

        var (exit, text) = await InTerminalAsync("send", good, "--endpoint", server.Endpoint.ToString(), "--allow-http", "--json");

        Assert.Equal(0, exit);
        Assert.Contains("\"recordsForwarded\":100", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Records forwarded", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_is_one_line_and_verbose_adds_the_detail()
    {
        // A replay of an event file that does not exist fails outside any object: the top-level error path.
        var missing = Path.Combine(_dir, "no-such-event.json");
        var env = new[] { "env", "SIGNOZ_ENDPOINT=http://127.0.0.1:9/logs/json", "SIGNOZ_ALLOW_HTTP=true", "AWS_REGION=us-east-1" };
        var brief = await ToolProcess.RunAsync(env[0], "coreutils", TimeSpan.FromMinutes(1),
            [.. env[1..], "dotnet", Path.Combine(AppContext.BaseDirectory, "flowlog-forward.dll"), "replay", "--event-file", missing, "--json"]);
        var verbose = await ToolProcess.RunAsync(env[0], "coreutils", TimeSpan.FromMinutes(1),
            [.. env[1..], "dotnet", Path.Combine(AppContext.BaseDirectory, "flowlog-forward.dll"), "replay", "--event-file", missing, "--json", "--verbose"]);
        output.WriteLine(brief.Output + verbose.Output);

        Assert.Equal(1, brief.Exit);
        var line = Assert.Single(brief.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no-such-event.json", line, StringComparison.Ordinal);
        Assert.Contains("--verbose", line, StringComparison.Ordinal);
        Assert.Equal(1, verbose.Exit);
        Assert.Contains("FileNotFoundException", verbose.Stderr, StringComparison.Ordinal);
        Assert.Contains(" at ", verbose.Stderr, StringComparison.Ordinal); // the stack
    }
}
