namespace FlowLogForwarder.Delivery;

/// <summary>How an HTTP status is handled. The rule: only 2xx delivers; 400/413 are split; 408/429/5xx are retried
/// (for OTLP only 429/502/503/504, as its specification says); everything else, understood or not, stops the object.</summary>
public enum ResponseClass
{
    /// <summary>2xx.</summary>
    Delivered,
    /// <summary>400, 413: the body was refused; split the batch and retry the halves.</summary>
    Refused,
    /// <summary>408, 429, 5xx (OTLP: 429, 502, 503, 504): retried with jittered backoff, honouring <c>Retry-After</c>.</summary>
    Transient,
    /// <summary>Anything else: the object stops as failed (retryable later, progress kept).</summary>
    StopsObject,
}

/// <summary>The one table from HTTP status to handling, used by every exporter.</summary>
public static class ResponseClassifier
{
    /// <summary>Classifies a final HTTP status code of <paramref name="protocol"/>.</summary>
    public static ResponseClass Classify(int status, SigNozProtocol protocol = SigNozProtocol.Json) => status switch
    {
        >= 200 and <= 299 => ResponseClass.Delivered,
        400 or 413 => ResponseClass.Refused,
        // The OTLP/HTTP specification: only these are retryable; any other 4xx or 5xx is not.
        429 or 502 or 503 or 504 when protocol == SigNozProtocol.Otlp => ResponseClass.Transient,
        408 or 429 or (>= 500 and <= 599) when protocol == SigNozProtocol.Json => ResponseClass.Transient,
        _ => ResponseClass.StopsObject,
    };

    /// <summary>The delivery status of a final answer that is not retried further.</summary>
    public static DeliveryStatus StatusOf(int status, SigNozProtocol protocol = SigNozProtocol.Json) => Classify(status, protocol) switch
    {
        ResponseClass.Delivered => DeliveryStatus.Delivered,
        ResponseClass.Refused => DeliveryStatus.Refused,
        ResponseClass.Transient => DeliveryStatus.RetriesExhausted,
        _ => status switch
        {
            401 or 403 => DeliveryStatus.Unauthorized,
            404 => DeliveryStatus.NotFound,
            >= 300 and <= 399 => DeliveryStatus.Redirected,
            _ => DeliveryStatus.UnexpectedStatus,
        },
    };
}
