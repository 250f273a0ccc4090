using System.Text;
using System.Text.Json;
using FlowLogForwarder.Cli.Display;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>
/// The log of the <see cref="FlowLogForwarder.Handling.ObjectForwarder"/> a backfill drives: each JSON line is passed
/// on (stdout with <c>--json</c>, nowhere under the live display) and read for what the user must hear. A progress tag
/// that was not written is counted, as a re-run would send that object again; the function's other warnings are kept
/// for after the live display. Errors and summaries are not: they reach the user as the object's failure.
/// </summary>
internal sealed class ForwarderLogTap(TextWriter inner, RunStats stats, bool keepWarnings) : TextWriter
{
    private const string ProgressNotRecorded = "progress not recorded";

    /// <inheritdoc/>
    public override Encoding Encoding => inner.Encoding;

    /// <inheritdoc/>
    public override void Write(char value) => inner.Write(value);

    /// <inheritdoc/>
    public override void Flush() => inner.Flush();

    /// <summary>Passes on one log line (<see cref="FlowLogForwarder.Logging.JsonLog"/> writes whole lines), then reads it.</summary>
    public override void WriteLine(string? value)
    {
        inner.WriteLine(value);
        if (value is not null)
        {
            Read(value);
        }
    }

    private void Read(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        string? Field(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var message = Field("message") ?? "";
        var key = Field("key") ?? "(no key)";
        var why = Field("reason") ?? Field("error");
        if (message.StartsWith(ProgressNotRecorded, StringComparison.Ordinal))
        {
            stats.ProgressNotRecorded(key, why ?? message);
        }
        else if (keepWarnings && Field("level") == "WARN" && !root.TryGetProperty("summary", out _))
        {
            stats.Warn(why is null ? $"{key}: {message}" : $"{key}: {message} ({why})");
        }
    }
}
