using System.Text.Json;
using FlowLogForwarder.Lambda.Events;
using FlowLogForwarder.Lambda.Logging;
using FlowLogForwarder.Lambda.Runtime;
using FlowLogForwarder.Lambda.Storage;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Lambda.Handler;

/// <summary>Thrown when objects of a direct (S3, SNS, EventBridge) invocation failed, so Lambda retries the event.</summary>
public sealed class ForwardingFailedException(string message) : Exception(message);

/// <summary>
/// The handler: decodes the event, forwards each named object through the pipeline, logs a summary per object and
/// one metrics line per invocation, and answers SQS batches with the messages that failed.
/// </summary>
public sealed class FlowLogFunction(FlowLogPipeline pipeline, S3ObjectOpener opener, JsonLog log, TimeProvider time, string functionName,
    IReadOnlySet<string>? allowedBuckets = null, long maxObjectBytes = long.MaxValue)
{
    private readonly IReadOnlySet<string> _allowedBuckets = allowedBuckets ?? new HashSet<string>();

    /// <summary>Time kept back from the deadline so a failure can still be reported before Lambda stops the process.</summary>
    public static readonly TimeSpan DeadlineReserve = TimeSpan.FromSeconds(3);

    /// <summary>Handles one invocation and returns the response JSON.</summary>
    public async Task<byte[]> HandleAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        var decoded = EventDecoder.Decode(invocation.Event);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var remaining = invocation.Deadline - time.GetUtcNow() - DeadlineReserve;
        deadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);

        var metrics = new InvocationMetrics();
        var failedMessages = new List<string>();
        var failures = new List<string>();
        if (decoded.Source == EventSource.S3TestEvent)
        {
            log.Write("INFO", "s3:TestEvent acknowledged", ("requestId", invocation.RequestId));
        }
        foreach (var item in decoded.Items)
        {
            var itemFailed = item.Error is not null;
            if (item.Error is { } error)
            {
                log.Write("ERROR", "message is not a usable event", ("requestId", invocation.RequestId), ("messageId", item.MessageId), ("error", error));
                failures.Add($"message {item.MessageId}: {error}");
            }
            foreach (var reference in item.Objects)
            {
                if (!await ForwardObjectAsync(reference, invocation.RequestId, metrics, failures, deadline.Token).ConfigureAwait(false))
                {
                    itemFailed = true;
                }
            }
            if (itemFailed && item.MessageId is not null)
            {
                failedMessages.Add(item.MessageId);
            }
        }
        metrics.Emit(log, functionName, time.GetUtcNow());

        if (decoded.Source == EventSource.Sqs)
        {
            return BatchItemFailures(failedMessages);
        }
        if (failures.Count > 0)
        {
            throw new ForwardingFailedException($"{failures.Count} object(s) not fully delivered: {string.Join("; ", failures)}");
        }
        return """{"status":"ok"}"""u8.ToArray();
    }

    // Returns false when the object should be retried (its delivery failed for a reason that may pass).
    private async Task<bool> ForwardObjectAsync(ObjectReference reference, string requestId, InvocationMetrics metrics, List<string> failures,
        CancellationToken cancellationToken)
    {
        if (ObjectFilter.SkipReason(reference, _allowedBuckets, maxObjectBytes) is { } reason)
        {
            metrics.ObjectsSkipped++;
            log.Write("WARN", "object skipped", ("requestId", requestId), ("bucket", reference.Bucket), ("key", reference.Key), ("reason", reason));
            return true;
        }
        ForwardingSummary summary;
        try
        {
            var stream = await opener.OpenAsync(reference, cancellationToken).ConfigureAwait(false);
            summary = await pipeline.ForwardAsync(stream, FlowLogSource.FromKey(reference.Bucket, reference.Key), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
        {
            var message = ex is Amazon.S3.AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.PreconditionFailed }
                ? "the object was overwritten since the event (eTag no longer matches)"
                : ex.Message;
            log.Write("ERROR", "object could not be read", ("requestId", requestId), ("bucket", reference.Bucket), ("key", reference.Key), ("error", message));
            metrics.ObjectsFailed++;
            failures.Add($"s3://{reference.Bucket}/{reference.Key}: {message}");
            return false;
        }

        log.Summary(summary, reference.Bucket, requestId);
        metrics.RecordsForwarded += summary.RecordsForwarded;
        metrics.RecordsSkipped += summary.RecordsSkipped;
        metrics.RecordsFailed += summary.RecordsFailed + summary.RecordsRejected;
        metrics.Batches += summary.Batches;
        metrics.Retries += summary.Retries;
        metrics.BytesIn += summary.BytesIn;
        metrics.BytesOut += summary.BytesOut;
        if (reference.EventTime is { } eventTime)
        {
            metrics.LagSeconds = Math.Max(metrics.LagSeconds ?? 0, (time.GetUtcNow() - eventTime).TotalSeconds);
        }
        if (summary.Outcome == ObjectOutcome.Completed)
        {
            return true;
        }
        metrics.ObjectsFailed++;
        if (summary.Outcome == ObjectOutcome.Unreadable)
        {
            return true; // logged at ERROR above; a retry would read the same bytes
        }
        failures.Add($"s3://{reference.Bucket}/{reference.Key}: {summary.Error}");
        return false;
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
