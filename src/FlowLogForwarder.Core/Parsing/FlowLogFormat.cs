using System.Text;

namespace FlowLogForwarder.Parsing;

/// <summary>
/// AWS's flow log format string (<c>${version} ${account-id} ...</c>, as a flow log's <c>LogFormat</c> shows it): the
/// layout of records that carry no header line (CloudWatch Logs events, CloudWatch exports, Firehose deliveries).
/// </summary>
public static class FlowLogFormat
{
    /// <summary>AWS's default format (version 2): what a flow log created without a custom format writes.</summary>
    public const string AwsDefault =
        "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

    /// <summary>The layout <paramref name="format"/> describes; on failure <paramref name="error"/> says what is wrong.
    /// Fields this version does not know are kept, as in a header line.</summary>
    public static bool TryParse(string format, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FlowLogHeader? layout, out string error)
    {
        layout = null;
        var names = new StringBuilder();
        foreach (var token in format.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!token.StartsWith("${", StringComparison.Ordinal) || token.IndexOf('}') != token.Length - 1 || token.Length < 4)
            {
                error = $"'{Shorten(token)}' is not a field written as ${{name}}, e.g. ${{srcaddr}}";
                return false;
            }
            names.Append(token.AsSpan(2, token.Length - 3)).Append(' ');
        }
        if (names.Length == 0)
        {
            error = "names no field; AWS's default is " + AwsDefault;
            return false;
        }
        if (!FlowLogHeader.TryParse(Encoding.UTF8.GetBytes(names.ToString()), out layout, out var headerError))
        {
            // The header parser speaks of a header line; here the same rules apply to the format's fields.
            error = headerError.Replace("not a flow log header: ", "", StringComparison.Ordinal).Replace("column", "field", StringComparison.Ordinal);
            return false;
        }
        error = string.Empty;
        return true;
    }

    /// <summary>The layout of <paramref name="format"/>; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static FlowLogHeader Parse(string format) =>
        TryParse(format, out var layout, out var error) ? layout : throw new FormatException(error);

    private static string Shorten(string token) => token.Length <= 40 ? token : token[..40] + "...";
}
