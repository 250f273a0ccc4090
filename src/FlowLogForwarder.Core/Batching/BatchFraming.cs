namespace FlowLogForwarder.Batching;

/// <summary>How serialized records are joined into one batch body: what opens it, separates records, and closes it.</summary>
public sealed class BatchFraming
{
    private BatchFraming(byte[] open, byte[] separator, byte[] close)
    {
        Open = open;
        Separator = separator;
        Close = close;
    }

    /// <summary>A JSON array: <c>[</c>, <c>,</c>, <c>]</c> (SigNoz's logs endpoint).</summary>
    public static BatchFraming JsonArray { get; } = new("["u8.ToArray(), ","u8.ToArray(), "]"u8.ToArray());

    /// <summary>Records simply concatenated (OTLP: each is a complete <c>log_records</c> field; the exporter wraps them).</summary>
    public static BatchFraming Concatenated { get; } = new([], [], []);

    /// <summary>Bytes before the first record.</summary>
    public byte[] Open { get; }

    /// <summary>Bytes between two records.</summary>
    public byte[] Separator { get; }

    /// <summary>Bytes after the last record.</summary>
    public byte[] Close { get; }
}
