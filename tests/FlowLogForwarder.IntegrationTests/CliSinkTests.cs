using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.IntegrationTests;

/// <summary><c>make demo</c>'s pair: <c>send</c> with the default compression to <c>sink</c>, which decodes gzip as SigNoz does.</summary>
public sealed class CliSinkTests
{
    [Fact]
    public async Task Send_with_default_compression_delivers_the_samples_to_the_sink_without_falling_back()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "flowlog-forward.dll"));
        start.ArgumentList.Add("sink");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var sink = Process.Start(start)!;
        try
        {
            var listening = await sink.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.StartsWith("listening on", listening, StringComparison.Ordinal);

            var (exit, stdout, stderr) = await CliProcess.RunAsync(
                ["send", .. RepoPaths.Samples, "--endpoint", $"http://127.0.0.1:{port}/logs/json", "--allow-http"]);

            Assert.True(exit == 0, stdout + stderr);
            Assert.DoesNotContain("warning", stderr, StringComparison.OrdinalIgnoreCase); // no fallback to plain bodies
            Assert.Contains("\"recordsForwarded\":21,", stdout, StringComparison.Ordinal); // 15 with a header line, 6 without
            var lines = new List<string>();
            for (var i = 0; i < RepoPaths.Samples.Count; i++)
            {
                lines.Add(await sink.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? "");
            }
            Assert.All(lines, l => Assert.Matches(@"^request \d+: \d+ records", l));
            Assert.Contains("(total 21 records)", lines[^1], StringComparison.Ordinal);
        }
        finally
        {
            sink.Kill(entireProcessTree: true);
            await sink.WaitForExitAsync();
        }
    }
}
