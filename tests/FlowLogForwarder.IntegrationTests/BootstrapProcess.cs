using FlowLogForwarder.TestSupport;
using System.Diagnostics;
using System.Text;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>The published bootstrap running as Lambda would run it, with its stdout (the function's log) captured.</summary>
internal sealed class BootstrapProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BootstrapProcess(Process process) => _process = process;

    public Stopwatch SinceStart { get; } = Stopwatch.StartNew();

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public bool HasExited => _process.HasExited;

    /// <summary>The memory lines of /proc/PID/status, for diagnosis.</summary>
    public string MemoryStatus() => string.Join("; ", File.ReadLines($"/proc/{_process.Id}/status")
        .Where(l => l.StartsWith("Vm", StringComparison.Ordinal) || l.StartsWith("Rss", StringComparison.Ordinal) || l.StartsWith("Threads", StringComparison.Ordinal))
        .Select(l => string.Join(' ', l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))));

    /// <summary>The process's peak resident set size so far (VmHWM), read from /proc while it runs.</summary>
    public long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("VmHWM not found in /proc status");
    }

    public static BootstrapProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        Assert.True(File.Exists(RepoPaths.Bootstrap),
            $"the Native AOT bootstrap is missing at {RepoPaths.Bootstrap}: run 'make publish' (the README's 'make test' does it first)");
        var start = new ProcessStartInfo(RepoPaths.Bootstrap) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        var bootstrap = new BootstrapProcess(process);
        process.OutputDataReceived += (_, e) => bootstrap.Append(e.Data);
        process.ErrorDataReceived += (_, e) => bootstrap.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bootstrap;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
