namespace FlowLogForwarder.Delivery;

/// <summary>How request bodies are compressed (<c>SIGNOZ_COMPRESSION</c>).</summary>
public enum BodyCompression
{
    /// <summary>gzip, falling back to none for the rest of the process if the endpoint refuses gzip (SigNoz Cloud does
    /// not document compression of <c>/logs/json</c>).</summary>
    Auto,
    /// <summary>Always gzip (zlib-ng, level <see cref="EncodedBody.GzipLevel"/>).</summary>
    Gzip,
    /// <summary>Always zstd.</summary>
    Zstd,
    /// <summary>Plain JSON.</summary>
    None,
}
