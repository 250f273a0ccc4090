namespace FlowLogForwarder.Delivery;

/// <summary>How records are encoded and sent (<c>SIGNOZ_PROTOCOL</c>).</summary>
public enum SigNozProtocol
{
    /// <summary>SigNoz's HTTP logs endpoint: a JSON array per request (<c>/logs/json</c> on SigNoz Cloud).</summary>
    Json,
    /// <summary>OTLP/HTTP: a protobuf <c>ExportLogsServiceRequest</c> per request (<c>/v1/logs</c>), gzip by default.</summary>
    Otlp,
}
