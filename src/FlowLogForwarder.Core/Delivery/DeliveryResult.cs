namespace FlowLogForwarder.Delivery;

/// <summary>What became of one batch.</summary>
public enum DeliveryStatus
{
    /// <summary>The endpoint answered 2xx.</summary>
    Delivered,
    /// <summary>The endpoint refused the payload (400 or another 4xx that retrying cannot fix). Not retried.</summary>
    Rejected,
    /// <summary>401 or 403: the ingestion key is missing or wrong. Not retried; stops the object.</summary>
    Unauthorized,
    /// <summary>404: the endpoint URL is wrong. Not retried; stops the object.</summary>
    NotFound,
    /// <summary>Transient failures (408, 429, 5xx, network) outlasted every retry; the object should be retried later.</summary>
    RetriesExhausted,
    /// <summary>The caller's time ran out (for example the Lambda deadline) before the batch was delivered.</summary>
    Cancelled,
}

/// <summary>The outcome of sending one batch, with the number of HTTP attempts it took.</summary>
public readonly record struct DeliveryResult(DeliveryStatus Status, int Attempts, int? HttpStatus, string? Error)
{
    /// <summary>True when later batches of the same object would fail the same way, so the object stops.</summary>
    public bool StopsObject => Status is DeliveryStatus.Unauthorized or DeliveryStatus.NotFound
        or DeliveryStatus.RetriesExhausted or DeliveryStatus.Cancelled;

    /// <summary>Retries made beyond the first attempt.</summary>
    public int Retries => Math.Max(0, Attempts - 1);
}
