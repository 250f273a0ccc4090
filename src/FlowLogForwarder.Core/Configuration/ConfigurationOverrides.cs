namespace FlowLogForwarder.Configuration;

/// <summary>Settings given explicitly, as the CLI's flags, that <see cref="ForwarderOptions.Load"/> applies over the
/// environment's; the environment itself is never changed.</summary>
public sealed record ConfigurationOverrides
{
    /// <summary>Used instead of <c>SIGNOZ_ENDPOINT</c>; null leaves the variable to decide.</summary>
    public string? Endpoint { get; init; }

    /// <summary>True allows an http endpoint as <c>SIGNOZ_ALLOW_HTTP=true</c> does; false leaves the variable to decide.</summary>
    public bool AllowHttp { get; init; }

    /// <summary>Used instead of <c>FLOWLOG_BODY</c>; null leaves the variable to decide.</summary>
    public Mapping.BodyMode? Body { get; init; }

    /// <summary>Used instead of <c>FLOWLOG_FORMAT</c> (AWS's format string); null leaves the variable to decide.</summary>
    public string? Format { get; init; }

    /// <summary>Used instead of <c>SIGNOZ_COMPRESSION</c>; null leaves the variable to decide.</summary>
    public Delivery.BodyCompression? Compression { get; init; }
}
