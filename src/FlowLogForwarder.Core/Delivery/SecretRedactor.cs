namespace FlowLogForwarder.Delivery;

/// <summary>
/// Removes a secret (the ingestion key) from text that is about to leave the process: an error body echoed by the
/// endpoint, which then lands in the summary, the log and the Runtime API error (and so the failure queue).
/// </summary>
public sealed class SecretRedactor(string? secret)
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "[redacted]";

    // A shorter tail of the secret at a cut-off end says too little to be worth masking (and would mask ordinary text).
    private const int MinimumPartialLength = 4;

    /// <summary>Masks every occurrence of the secret, and a leading part of it at the end of <paramref name="text"/>
    /// when <paramref name="truncated"/> (the text was cut off, perhaps in the middle of the secret).</summary>
    public string Redact(string text, bool truncated = false)
    {
        if (string.IsNullOrEmpty(secret) || text.Length == 0)
        {
            return text;
        }
        var redacted = text.Replace(secret, Mask, StringComparison.Ordinal);
        if (truncated)
        {
            for (var length = Math.Min(secret.Length - 1, redacted.Length); length >= MinimumPartialLength; length--)
            {
                if (redacted.AsSpan(redacted.Length - length).SequenceEqual(secret.AsSpan(0, length)))
                {
                    return string.Concat(redacted.AsSpan(0, redacted.Length - length), Mask);
                }
            }
        }
        return redacted;
    }
}
