using System.Text.Json;
using FlowLogForwarder.Events;
using FlowLogForwarder.Logging;

namespace FlowLogForwarder.Handling;

/// <summary>Thrown when objects of a direct (S3, SNS, EventBridge) invocation failed, so Lambda retries the event.</summary>
public sealed class ForwardingFailedException(string message) : Exception(message);

/// <summary>
/// Handles one event (a Lambda invocation's payload, or one replayed from the failure queue): decodes it, hands each
/// named object to the <see cref="ObjectForwarder"/>, writes one metrics line per event, and answers SQS batches with
/// the messages that failed and direct events with <see cref="ForwardingFailedException"/>.
/// </summary>
public sealed class EventForwarder(ObjectForwarder objects, JsonLog log, TimeProvider time, string functionName)
{
    private readonly LogEventsForwarder _logEvents = new(objects.Pipeline, objects.Pipeline.Options.MaxLineBytes, log);

    /// <summary>Time kept back from the deadline so a failure can still be reported before Lambda stops the process.</summary>
    public static readonly TimeSpan DeadlineReserve = TimeSpan.FromSeconds(3);

    /// <summary>Handles one event and returns the response JSON; throws <see cref="ForwardingFailedException"/> for a
    /// direct event whose objects failed, and <see cref="InvalidEventException"/> for an event of no known shape.</summary>
    /// <param name="payload">The event JSON.</param>
    /// <param name="requestId">Names the event in every log line.</param>
    /// <param name="deadline">When the work must be over (the Lambda deadline; retries stop <see cref="DeadlineReserve"/>
    /// before), measured on the injected clock; null for none (a replay from a shell).</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, string requestId, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var decoded = EventDecoder.Decode(payload);
        using var deadlineTimer = deadline is { } end
            ? new CancellationTokenSource(Clamp(end - time.GetUtcNow() - DeadlineReserve), time)
            : null;
        using var stop = deadlineTimer is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadlineTimer.Token);

        var metrics = new InvocationMetrics();
        var failedMessages = new List<string>();
        var failures = new List<string>();
        if (decoded.Source == EventSource.S3TestEvent)
        {
            log.Write("INFO", "s3:TestEvent acknowledged", ("requestId", requestId));
        }
        foreach (var item in decoded.Items)
        {
            var itemFailed = item.Error is not null;
            if (item.Error is { } error)
            {
                log.Write("ERROR", "message is not a usable event", ("requestId", requestId), ("messageId", item.MessageId), ("error", error));
                failures.Add($"message {item.MessageId}: {error}");
            }
            foreach (var reference in item.Objects)
            {
                var result = await objects.ForwardAsync(reference, requestId, stop.Token).ConfigureAwait(false);
                Count(metrics, reference, result);
                if (result.Disposition == ObjectDisposition.Failed)
                {
                    failures.Add($"s3://{reference.Bucket}/{reference.Key}: {result.Error}");
                    itemFailed = true;
                }
            }
            if (itemFailed && item.MessageId is not null)
            {
                failedMessages.Add(item.MessageId);
            }
        }
        if (decoded.Logs is { } delivery)
        {
            // Unlike an object, a delivery cannot be read again later: anything short of complete fails the invocation,
            // so Lambda retries it and the failure queue keeps it for replay.
            var result = await _logEvents.ForwardAsync(delivery, requestId, stop.Token).ConfigureAwait(false);
            if (result.Summary is { } summary)
            {
                metrics.Add(summary);
            }
            if (result.Disposition is not (ObjectDisposition.Completed or ObjectDisposition.Skipped))
            {
                metrics.ObjectFailed();
                failures.Add($"CloudWatch Logs {delivery.LogGroup}:{delivery.LogStream}: {result.Error}");
            }
        }
        metrics.Emit(log, functionName, time.GetUtcNow());

        if (decoded.Source == EventSource.Sqs)
        {
            return BatchItemFailures(failedMessages);
        }
        if (failures.Count > 0)
        {
            throw new ForwardingFailedException($"{failures.Count} object(s) or deliveries not fully delivered: {string.Join("; ", failures)}");
        }
        return """{"status":"ok"}"""u8.ToArray();
    }

    // A deadline already past (or inside the reserve) still cancels, at once.
    private static TimeSpan Clamp(TimeSpan remaining) => remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;

    private void Count(InvocationMetrics metrics, ObjectReference reference, ObjectResult result)
    {
        if (result.Disposition == ObjectDisposition.Skipped)
        {
            metrics.ObjectSkipped();
        }
        else if (result.Disposition != ObjectDisposition.Completed)
        {
            metrics.ObjectFailed();
        }
        if (result.Summary is { } summary)
        {
            metrics.Add(summary);
            if (reference.EventTime is { } eventTime)
            {
                metrics.ObserveLag(time.GetUtcNow() - eventTime);
            }
        }
    }

    private static byte[] BatchItemFailures(List<string> messageIds)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("batchItemFailures");
            foreach (var id in messageIds)
            {
                writer.WriteStartObject();
                writer.WriteString("itemIdentifier", id);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
