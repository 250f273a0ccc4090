using System.CommandLine;

namespace FlowLogForwarder.Cli.Display;

/// <summary><c>--json</c>: whether a command shows the live display (a terminal) or prints JSON lines (redirected
/// output, or asked for).</summary>
internal sealed class OutputOptions
{
    private readonly Option<bool> _json = new("--json")
    {
        Description = "Print JSON lines (one per object, then totals) instead of the live display; the default when output is redirected",
    };

    /// <summary>Adds the option to <paramref name="command"/>.</summary>
    public void AddTo(Command command) => command.Options.Add(_json);

    /// <summary>True for the live display: output is a terminal and <c>--json</c> was not given.</summary>
    public bool Live(ParseResult parseResult) => !parseResult.GetValue(_json) && !Console.IsOutputRedirected;
}
