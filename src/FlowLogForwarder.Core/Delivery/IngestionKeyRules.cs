namespace FlowLogForwarder.Delivery;

/// <summary>What an ingestion key may contain: printable ASCII without spaces, so it is a valid HTTP header value
/// that cannot split or corrupt the request's header block.</summary>
public static class IngestionKeyRules
{
    /// <summary>True when <paramref name="key"/> is non-empty printable ASCII (0x21-0x7E).</summary>
    public static bool IsValid(string key) => key.Length > 0 && key.All(c => c is >= '!' and <= '~');
}
