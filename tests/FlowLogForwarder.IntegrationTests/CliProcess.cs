using System.Diagnostics;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>Runs the built <c>flowlog-forward</c> CLI as a child process and captures its output.</summary>
internal static class CliProcess
{
    /// <param name="started">Sees the process once it runs (to signal it, as Ctrl+C does).</param>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, Action<Process>? started = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "flowlog-forward.dll");
        Assert.True(File.Exists(dll), $"the CLI was not built next to the tests: {dll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var name in new[] { "SIGNOZ_ENDPOINT", "SIGNOZ_INGESTION_KEY", "SIGNOZ_INGESTION_KEY_PARAMETER", "SIGNOZ_ALLOW_HTTP", "AWS_REGION", "FLOWLOG_S3_SERVICE_URL", "FLOWLOG_SQS_SERVICE_URL" })
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        started?.Invoke(process);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"flowlog-forward {string.Join(' ', args)} did not finish in time");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
