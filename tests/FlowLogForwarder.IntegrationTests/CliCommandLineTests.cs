using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>The CLI's command line as a user meets it: help, usage errors and their exit codes, completions.</summary>
public sealed class CliCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowlog-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string[]> CommandsAndOptions => new()
    {
        { "preview", ["<FILE>", "--format <FORMAT>"] },
        { "send", ["<FILE>", "--endpoint <URL>", "--allow-http", "--format <FORMAT>"] },
        { "sink", ["--port <N>", "[default: 4318]"] },
        { "replay", ["--event-file <F>", "--queue-url <URL>", "--max-messages <N>", "--keep", "--endpoint <URL>", "--allow-http", "--format <FORMAT>"] },
        { "bench", ["--records <N>", "--v5", "--file <F>", "--compression <MODE>", "--body <MODE>", "--protocol <P>", "--link-mbps <N>"] },
    };

    [Theory]
    [MemberData(nameof(CommandsAndOptions))]
    public async Task Help_on_every_command_exits_0_and_lists_its_options(string command, string[] expected)
    {
        foreach (var help in new[] { "--help", "-h" })
        {
            var (exit, stdout, stderr) = await CliProcess.RunAsync([command, help]);
            Assert.True(exit == 0, $"{command} {help}: exit {exit}: {stderr}");
            Assert.Contains($"flowlog-forward {command}", stdout, StringComparison.Ordinal);
            Assert.All(expected, text => Assert.Contains(text, stdout, StringComparison.Ordinal));
            Assert.Empty(stderr);
        }
    }

    [Fact]
    public async Task Help_on_the_root_lists_every_command_and_the_exit_codes()
    {
        var (exit, stdout, _) = await CliProcess.RunAsync(["--help"]);
        Assert.Equal(0, exit);
        Assert.All(new[] { "preview", "send", "sink", "replay", "bench", "SIGNOZ_INGESTION_KEY", "Exit codes" },
            text => Assert.Contains(text, stdout, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "send", "x.log.gz", "--endpont", "https://x/logs/json" }, "'--endpont'")]
    [InlineData(new[] { "bench", "--record", "5" }, "'--record'")]
    [InlineData(new[] { "sink", "--prot", "5" }, "'--prot'")]
    [InlineData(new[] { "replay", "--event-file", "e.json", "--kep" }, "'--kep'")]
    [InlineData(new[] { "preview", "--all" }, "'--all'")]
    [InlineData(new[] { "frob" }, "'frob'")]
    public async Task An_unknown_option_or_command_exits_2_with_a_message(string[] args, string named)
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.Contains("--help' for usage", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Theory]
    [InlineData(new[] { "sink", "--port", "99999" }, "--port")]
    [InlineData(new[] { "sink", "--port", "0" }, "--port")]
    [InlineData(new[] { "sink", "--port", "http" }, "--port")]
    [InlineData(new[] { "bench", "--records", "0" }, "--records")]
    [InlineData(new[] { "bench", "--records", "-5" }, "--records")]
    [InlineData(new[] { "bench", "--compression", "brotli" }, "--compression takes auto, gzip, zstd or none, not 'brotli'")]
    [InlineData(new[] { "bench", "--body", "short" }, "--body takes line, summary or none, not 'short'")]
    [InlineData(new[] { "bench", "--protocol", "grpc" }, "--protocol takes json or otlp, not 'grpc'")]
    [InlineData(new[] { "bench", "--link-mbps", "-1" }, "--link-mbps")]
    [InlineData(new[] { "replay", "--queue-url", "http://q", "--max-messages", "0" }, "--max-messages")]
    [InlineData(new[] { "send", "x.log.gz", "--endpoint" }, "--endpoint")]
    [InlineData(new[] { "replay" }, "--queue-url")]
    [InlineData(new[] { "replay", "--event-file", "e.json", "--queue-url", "http://q" }, "--queue-url")]
    [InlineData(new[] { "send" }, "FILE")]
    [InlineData(new[] { "preview", "a", "b" }, "'b'")]
    public async Task A_bad_value_exits_2_naming_the_option(string[] args, string named)
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task No_command_exits_2()
    {
        var (exit, _, stderr) = await CliProcess.RunAsync([]);
        Assert.Equal(2, exit);
        Assert.Contains("flowlog-forward --help", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allow_http_works_without_the_environment_variable()
    {
        // CliProcess removes SIGNOZ_ALLOW_HTTP from the child's environment: only the flag can allow http here.
        await using var server = await LoopbackSigNozServer.StartAsync(null);
        var file = Path.Combine(_dir, "x.log.gz");
        FlowLogGenerator.WriteGzip(file, 10);
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["send", file, "--endpoint", server.Endpoint.ToString(), "--allow-http"]);
        Assert.True(exit == 0, stderr);
        Assert.Equal(10, server.RecordsAccepted);
        Assert.Contains("\"recordsForwarded\":10", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_environment_variable_still_fails_when_the_flag_is_given()
    {
        var (exit, _, stderr) = await CliProcess.RunAsync(["send", "x.log.gz", "--endpoint", "http://127.0.0.1:9/logs/json", "--allow-http"],
            new Dictionary<string, string> { ["FLOWLOG_BATCH_MAX_RECORDS"] = "0" });
        Assert.Equal(2, exit);
        Assert.Contains("FLOWLOG_BATCH_MAX_RECORDS", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ingestion_key_is_not_a_flag()
    {
        var (exit, stdout, _) = await CliProcess.RunAsync(["send", "--help"]);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("--key", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--ingestion-key", stdout, StringComparison.Ordinal);
        var (badExit, _, stderr) = await CliProcess.RunAsync(["send", "x.log.gz", "--ingestion-key", "k"]);
        Assert.Equal(2, badExit);
        Assert.Contains("'--ingestion-key'", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flowlog-forward ", new[] { "preview", "send", "sink", "replay", "bench" })]
    [InlineData("flowlog-forward se", new[] { "send" })]
    [InlineData("flowlog-forward replay --", new[] { "--event-file", "--queue-url", "--max-messages", "--keep", "--endpoint", "--allow-http" })]
    [InlineData("flowlog-forward sink --", new[] { "--port" })]
    public async Task The_suggest_directive_completes_commands_and_options(string line, string[] expected)
    {
        // What dotnet-suggest's shell shim asks on Tab: the completions at the cursor, one per line.
        var (exit, stdout, stderr) = await CliProcess.RunAsync([$"[suggest:{line.Length}]", line]);
        Assert.True(exit == 0, stderr);
        var completions = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(expected, e => Assert.Contains(e, completions));
    }
}
