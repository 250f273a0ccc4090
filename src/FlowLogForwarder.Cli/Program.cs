using System.CommandLine;
using FlowLogForwarder.Cli.Commands;
using FlowLogForwarder.Configuration;

// flowlog-forward: parse with System.CommandLine, run the command, and map every outcome to the documented exit code.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var parseResult = FlowLogCli.Create().Parse(args);
if (FlowLogCli.TryReportUsageErrors(parseResult, Console.Error))
{
    return FlowLogCli.BadUsage;
}

try
{
    // Exceptions reach the catch below rather than System.CommandLine's handler (which prints a stack trace), and Ctrl+C
    // is handled above so that a command stops cleanly (the sink prints its totals) instead of after a fixed timeout.
    return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null },
        cancellation.Token);
}
catch (ConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"flowlog-forward: configuration error: {ex.Message}");
    return FlowLogCli.BadUsage;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("flowlog-forward: stopped (Ctrl+C)");
    return FlowLogCli.Failure;
}
#pragma warning disable CA1031 // No exception reaches the user as a stack trace: one line, and the documented exit code.
catch (Exception ex)
#pragma warning restore CA1031
{
    // One readable line; the type and stack only when asked for (--verbose).
    await Console.Error.WriteLineAsync(parseResult.GetValue(FlowLogCli.Verbose)
        ? $"flowlog-forward: failed: {ex}"
        : $"flowlog-forward: failed: {ex.Message} (--verbose shows the detail)");
    return FlowLogCli.Failure;
}
