using System.Text.Json;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Logging;

/// <summary>One JSON object per line on stdout, which Lambda ships to CloudWatch Logs. Never given the ingestion key.</summary>
public sealed class JsonLog(TextWriter output, TimeProvider time)
{
    private readonly Lock _gate = new();

    /// <summary>Writes a log line with a level, a message and string fields.</summary>
    public void Write(string level, string message, params (string Name, string? Value)[] fields) =>
        Emit(writer =>
        {
            writer.WriteString("level", level);
            writer.WriteString("message", message);
            foreach (var (name, value) in fields)
            {
                if (value is not null)
                {
                    writer.WriteString(name, value);
                }
            }
        });

    /// <summary>Writes an object's summary, at ERROR when it did not complete, WARN when it skipped or lost records.</summary>
    public void Summary(ForwardingSummary summary, string? bucket, string? requestId)
    {
        var level = summary.Outcome != ObjectOutcome.Completed ? "ERROR"
            : summary.RecordsSkipped + summary.RecordsRejected + summary.RecordsFailed + summary.TrailingBytesIgnored > 0 ? "WARN" : "INFO";
        Emit(writer =>
        {
            writer.WriteString("level", level);
            writer.WriteString("message", $"object {summary.Outcome.ToString().ToLowerInvariant()}");
            if (bucket is not null)
            {
                writer.WriteString("bucket", bucket);
            }
            if (requestId is not null)
            {
                writer.WriteString("requestId", requestId);
            }
            // Memory, so an operator can see that large objects cost no more than small ones.
            var gc = GC.GetGCMemoryInfo();
            writer.WriteNumber("peakRssBytes", FlowLogForwarder.Diagnostics.ProcessMemory.PeakResidentBytes() ?? 0);
            writer.WriteNumber("gcHeapBytes", gc.HeapSizeBytes);
            writer.WriteNumber("gcCommittedBytes", gc.TotalCommittedBytes);
            writer.WriteNumber("allocatedBytes", GC.GetTotalAllocatedBytes());
            writer.WriteNumber("gcCount", GC.CollectionCount(0));
            writer.WritePropertyName("summary");
            JsonSerializer.Serialize(writer, summary, SummaryJsonContext.Default.ForwardingSummary);
        });
    }

    /// <summary>Writes a raw JSON line (an Embedded Metric Format document).</summary>
    public void Raw(Action<Utf8JsonWriter> write) => Emit(write, timestamped: false);

    private void Emit(Action<Utf8JsonWriter> body, bool timestamped = true)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (timestamped)
            {
                writer.WriteString("time", time.GetUtcNow());
            }
            body(writer);
            writer.WriteEndObject();
        }
        var line = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
