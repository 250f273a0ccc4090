using FlowLogForwarder.TestSupport;
using System.ComponentModel;
using System.Diagnostics;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>Runs a command-line tool from the repository root and returns its exit code and output.</summary>
internal static class ToolProcess
{
    /// <param name="tool">The executable.</param>
    /// <param name="install">How to install it, for the failure message when it is missing.</param>
    /// <param name="timeout">How long the tool may run before the test fails.</param>
    /// <param name="args">Its arguments.</param>
    public static async Task<ToolResult> RunAsync(string tool, string install, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            Assert.Fail($"{tool} is not installed: {install}");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} {string.Join(' ', args)} ran longer than {timeout}");
            }
            return new ToolResult(process.ExitCode, await stdout, await stderr);
        }
    }
}

/// <summary>A finished tool: its exit code, standard output and standard error.</summary>
internal readonly record struct ToolResult(int Exit, string Stdout, string Stderr)
{
    /// <summary>Both streams, for assertion messages.</summary>
    public string Output => Stdout + Stderr;

    public void Deconstruct(out int exit, out string output)
    {
        exit = Exit;
        output = Output;
    }
}
