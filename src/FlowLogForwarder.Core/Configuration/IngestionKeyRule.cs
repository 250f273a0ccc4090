namespace FlowLogForwarder.Configuration;

/// <summary>The one rule for an ingestion key, wherever it was read from (an environment variable or an SSM parameter).</summary>
public static class IngestionKeyRule
{
    /// <summary>
    /// Returns the key with surrounding whitespace removed (a file-fed SSM parameter ends in a newline). Anything left
    /// that is not printable ASCII (0x21-0x7E) is refused: SigNoz keys are plain tokens, and a control character in a
    /// header value either splits the header block or is refused by the server, which the forwarder would misread.
    /// </summary>
    /// <param name="raw">The value as read.</param>
    /// <param name="variable">The variable to name in an error.</param>
    /// <param name="source">Where the value came from, for the error (e.g. the SSM parameter's name); never the value.</param>
    /// <exception cref="ConfigurationException">The key is blank or holds a character no header may carry; the message
    /// names <paramref name="variable"/> and <paramref name="source"/>, never the key.</exception>
    public static string Normalize(string raw, string variable, string source)
    {
        var key = raw.Trim();
        if (key.Length == 0)
        {
            throw new ConfigurationException(variable, $"{source} is empty or only whitespace");
        }
        if (!IsValid(key))
        {
            throw new ConfigurationException(variable,
                $"{source} contains a space, control or non-ASCII character inside the key (only printable ASCII is allowed; surrounding whitespace is trimmed)");
        }
        return key;
    }

    /// <summary>True when <paramref name="key"/> is non-empty printable ASCII (0x21-0x7E): a header value that cannot split or
    /// corrupt the request's header block.</summary>
    public static bool IsValid(string key) => key.Length > 0 && key.All(c => c is >= '!' and <= '~');
}
