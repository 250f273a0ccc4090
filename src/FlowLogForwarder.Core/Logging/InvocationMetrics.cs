using System.Text.Json;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Logging;

/// <summary>Per-invocation totals, written as one CloudWatch Embedded Metric Format line (metrics without API calls).</summary>
public sealed class InvocationMetrics
{
    // One row per metric: the name CloudWatch shows (the record counts carry the summary's names), its unit, its value.
    private static readonly (string Name, string Unit, Func<InvocationMetrics, double?> Value)[] Metrics =
    [
        ("RecordsForwarded", "Count", m => m._recordsForwarded),
        ("RecordsSkipped", "Count", m => m._recordsSkipped),
        ("RecordsRejected", "Count", m => m._recordsRejected),
        ("RecordsFailed", "Count", m => m._recordsFailed),
        ("Batches", "Count", m => m._batches),
        ("Retries", "Count", m => m._retries),
        ("BytesIn", "Bytes", m => m._bytesIn),
        ("BytesOut", "Bytes", m => m._bytesOut),
        ("BytesJson", "Bytes", m => m._bytesJson),
        ("ObjectsFailed", "Count", m => m._objectsFailed),
        ("ObjectsSkipped", "Count", m => m._objectsSkipped),
        ("LagSeconds", "Seconds", m => m._lagSeconds is { } lag ? Math.Round(lag, 3) : null),
    ];

    private long _recordsForwarded, _recordsSkipped, _recordsRejected, _recordsFailed, _batches, _retries, _bytesIn, _bytesOut, _bytesJson;
    private long _objectsFailed, _objectsSkipped;
    private double? _lagSeconds;

    /// <summary>Adds an object's counts.</summary>
    public void Add(ForwardingSummary summary)
    {
        _recordsForwarded += summary.RecordsForwarded;
        _recordsSkipped += summary.RecordsSkipped;
        _recordsRejected += summary.RecordsRejected;
        _recordsFailed += summary.RecordsFailed;
        _batches += summary.Batches;
        _retries += summary.Retries;
        _bytesIn += summary.BytesIn;
        _bytesOut += summary.BytesOut;
        _bytesJson += summary.BytesJson;
    }

    /// <summary>Counts an object that was not read.</summary>
    public void ObjectSkipped() => _objectsSkipped++;

    /// <summary>Counts an object that did not complete (failed, unreadable or refused).</summary>
    public void ObjectFailed() => _objectsFailed++;

    /// <summary>Keeps the largest delay between an object's event and the end of its forwarding.</summary>
    public void ObserveLag(TimeSpan lag) => _lagSeconds = Math.Max(_lagSeconds ?? 0, lag.TotalSeconds);

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
            foreach (var (name, unit, _) in Metrics)
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
            foreach (var (name, _, value) in Metrics)
            {
                // LagSeconds is absent when no object was read: a zero would pull the average down.
                if (value(this) is { } number)
                {
                    writer.WriteNumber(name, number);
                }
            }
        });
    }
}
