namespace FlowLogForwarder.Delivery;

/// <summary>What became of one request.</summary>
public enum DeliveryStatus
{
    /// <summary>The endpoint answered 2xx: the only answer that delivers records.</summary>
    Delivered,
    /// <summary>400 or 413: the endpoint refused this request's body. The batch is split and the halves retried, so
    /// only a record refused alone is counted as rejected.</summary>
    Refused,
    /// <summary>401 or 403: the ingestion key is missing or wrong. Stops the object.</summary>
    Unauthorized,
    /// <summary>404: the endpoint URL is wrong. Stops the object.</summary>
    NotFound,
    /// <summary>3xx: the endpoint moved. Redirects are never followed (the key must not go to another origin, and a
    /// POST turned GET would "succeed" with nothing stored). Stops the object.</summary>
    Redirected,
    /// <summary>Any other answer that is neither 2xx nor understood (1xx, 402, 405, 410, 415, 422, ...; for OTLP also 408
    /// and the 5xx its specification does not call retryable, such as 500 and 501). Stops the object.</summary>
    UnexpectedStatus,
    /// <summary>Transient failures (408, 429, 5xx, network) outlasted every retry. Stops the object.</summary>
    RetriesExhausted,
    /// <summary>The caller's time ran out (for example the Lambda deadline) before delivery. Stops the object.</summary>
    Cancelled,
    /// <summary>The endpoint refused so many records one by one that the endpoint, not the records, is taken to be at
    /// fault (a wrong path, a proxy that answers 400 to any POST). Stops the object.</summary>
    RefusedWholesale,
}

/// <summary>The outcome of one request (or one request retried), with the number of HTTP attempts it took.</summary>
public readonly record struct DeliveryResult(DeliveryStatus Status, int Attempts, int? HttpStatus, string? Error)
{
    /// <summary>True unless the records were delivered or their refusal is understood (split and retried):
    /// whatever is not positively understood stops the object as failed, never marks records delivered or drops them.</summary>
    public bool StopsObject => Status is not (DeliveryStatus.Delivered or DeliveryStatus.Refused);

    /// <summary>Bytes of the delivered request's body as sent (compressed or not); 0 unless delivered.</summary>
    public long WireBytes { get; init; }

    /// <summary>Records of a delivered request the endpoint rejected anyway (OTLP <c>partial_success</c>): final, not
    /// retried; <see cref="Error"/> then holds the endpoint's message.</summary>
    public long RejectedRecords { get; init; }

    /// <summary>Retries made beyond the first attempt.</summary>
    public int Retries => Math.Max(0, Attempts - 1);
}
