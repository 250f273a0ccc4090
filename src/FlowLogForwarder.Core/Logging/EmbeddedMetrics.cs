using System.Text.Json;

namespace FlowLogForwarder.Logging;

/// <summary>Per-invocation totals, written as one CloudWatch Embedded Metric Format line (metrics without API calls).</summary>
public sealed class InvocationMetrics
{
    public long RecordsForwarded { get; set; }
    public long RecordsSkipped { get; set; }
    public long RecordsFailed { get; set; }
    public long Batches { get; set; }
    public long Retries { get; set; }
    public long BytesIn { get; set; }
    public long BytesOut { get; set; }
    public long ObjectsFailed { get; set; }
    public long ObjectsSkipped { get; set; }
    public double? LagSeconds { get; set; }

    /// <summary>Writes the EMF document under namespace <c>FlowLogForwarder</c>, dimension <c>FunctionName</c>.</summary>
    public void Emit(JsonLog log, string functionName, DateTimeOffset now)
    {
        log.Raw(writer =>
        {
            writer.WriteStartObject("_aws");
            writer.WriteNumber("Timestamp", now.ToUnixTimeMilliseconds());
            writer.WriteStartArray("CloudWatchMetrics");
            writer.WriteStartObject();
            writer.WriteString("Namespace", "FlowLogForwarder");
            writer.WriteStartArray("Dimensions");
            writer.WriteStartArray();
            writer.WriteStringValue("FunctionName");
            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteStartArray("Metrics");
            foreach (var (name, unit) in Definitions)
            {
                writer.WriteStartObject();
                writer.WriteString("Name", name);
                writer.WriteString("Unit", unit);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteString("FunctionName", functionName);
            writer.WriteNumber(nameof(RecordsForwarded), RecordsForwarded);
            writer.WriteNumber(nameof(RecordsSkipped), RecordsSkipped);
            writer.WriteNumber(nameof(RecordsFailed), RecordsFailed);
            writer.WriteNumber(nameof(Batches), Batches);
            writer.WriteNumber(nameof(Retries), Retries);
            writer.WriteNumber(nameof(BytesIn), BytesIn);
            writer.WriteNumber(nameof(BytesOut), BytesOut);
            writer.WriteNumber(nameof(ObjectsFailed), ObjectsFailed);
            writer.WriteNumber(nameof(ObjectsSkipped), ObjectsSkipped);
            if (LagSeconds is { } lag)
            {
                writer.WriteNumber(nameof(LagSeconds), Math.Round(lag, 3));
            }
        });
    }

    private static readonly (string Name, string Unit)[] Definitions =
    [
        ("RecordsForwarded", "Count"), ("RecordsSkipped", "Count"), ("RecordsFailed", "Count"), ("Batches", "Count"),
        ("Retries", "Count"), ("BytesIn", "Bytes"), ("BytesOut", "Bytes"), ("ObjectsFailed", "Count"), ("ObjectsSkipped", "Count"), ("LagSeconds", "Seconds"),
    ];
}
