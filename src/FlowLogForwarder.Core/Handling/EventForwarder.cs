using System.Text.Json;
using FlowLogForwarder.Events;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Storage;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Handling;

/// <summary>Thrown when objects of a direct (S3, SNS, EventBridge) invocation failed, so Lambda retries the event.</summary>
public sealed class ForwardingFailedException(string message) : Exception(message);

/// <summary>
/// Handles one event (a Lambda invocation's payload, or one replayed from the failure queue): decodes it, forwards
/// each named object through the pipeline, logs a summary per object and one metrics line per event, and answers
/// SQS batches with the messages that failed.
/// </summary>
public sealed class EventForwarder(FlowLogPipeline pipeline, S3ObjectOpener opener, JsonLog log, TimeProvider time, string functionName,
    IReadOnlySet<string>? allowedBuckets = null, long maxObjectBytes = long.MaxValue, S3ProgressTags? progress = null)
{
    // Progress tags are written after the deadline token has fired, so they get their own short budget.
    private static readonly TimeSpan TagTimeout = TimeSpan.FromSeconds(2);

    private readonly IReadOnlySet<string> _allowedBuckets = allowedBuckets ?? new HashSet<string>();

    /// <summary>Time kept back from the deadline so a failure can still be reported before Lambda stops the process.</summary>
    public static readonly TimeSpan DeadlineReserve = TimeSpan.FromSeconds(3);

    /// <summary>Handles one event and returns the response JSON; throws <see cref="ForwardingFailedException"/> for a
    /// direct event whose objects failed, and <see cref="InvalidEventException"/> for an event of no known shape.</summary>
    /// <param name="payload">The event JSON.</param>
    /// <param name="requestId">Names the event in every log line.</param>
    /// <param name="deadline">When the work must be over (the Lambda deadline); retries stop <see cref="DeadlineReserve"/> before.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, string requestId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var decoded = EventDecoder.Decode(payload);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var remaining = deadline - time.GetUtcNow() - DeadlineReserve;
        if (remaining < TimeSpan.FromDays(1)) // a replay has no deadline: it passes DateTimeOffset.MaxValue
        {
            stop.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }

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
                if (!await ForwardObjectAsync(reference, requestId, metrics, failures, stop.Token).ConfigureAwait(false))
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
        OpenedObject? opened = null;
        try
        {
            opened = await opener.OpenAsync(reference, cancellationToken).ConfigureAwait(false);
            var mark = await ReadProgressAsync(reference, opened, requestId, cancellationToken).ConfigureAwait(false);
            if (mark is { Done: true })
            {
                await opened.Body.DisposeAsync().ConfigureAwait(false);
                metrics.ObjectsSkipped++;
                log.Write("INFO", "object skipped", ("requestId", requestId), ("bucket", reference.Bucket), ("key", reference.Key),
                    ("reason", $"already delivered (eTag {opened.ETag}); a duplicate or retried event"));
                return true;
            }
            summary = await pipeline.ForwardAsync(opened.Body, FlowLogSource.FromKey(reference.Bucket, reference.Key), cancellationToken,
                mark?.DeliveredThroughLine ?? 0).ConfigureAwait(false);
        }
        catch (BucketOwnerRefusedException ex)
        {
            // Not retried: the bucket's owner does not change by itself; replay once the event or the setting is right.
            log.Write("ERROR", "object refused", ("requestId", requestId), ("bucket", reference.Bucket), ("key", reference.Key), ("error", ex.Message));
            metrics.ObjectsFailed++;
            return true;
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
        {
            if (opened is not null)
            {
                await opened.Body.DisposeAsync().ConfigureAwait(false);
            }
            var message = ex is Amazon.S3.AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.PreconditionFailed }
                ? "the object was overwritten since the event (eTag no longer matches)"
                : ex.Message;
            log.Write("ERROR", "object could not be read", ("requestId", requestId), ("bucket", reference.Bucket), ("key", reference.Key), ("error", message));
            metrics.ObjectsFailed++;
            failures.Add($"s3://{reference.Bucket}/{reference.Key}: {message}");
            return false;
        }

        await WriteProgressAsync(reference, opened, summary, requestId).ConfigureAwait(false);
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

    private async Task<ProgressMark?> ReadProgressAsync(ObjectReference reference, OpenedObject opened, string requestId, CancellationToken cancellationToken)
    {
        if (progress is null || opened.ETag.Length == 0)
        {
            return null;
        }
        try
        {
            var mark = await progress.ReadAsync(reference, opened.VersionId, cancellationToken).ConfigureAwait(false);
            // A mark for another version of the object (overwritten since) says nothing about this one.
            return mark is not null && mark.ETag == opened.ETag ? mark : null;
        }
        catch (Amazon.Runtime.AmazonServiceException ex)
        {
            log.Write("WARN", "progress tag not readable; forwarding from the start", ("requestId", requestId), ("key", reference.Key), ("error", ex.Message));
            return null;
        }
    }

    private async Task WriteProgressAsync(ObjectReference reference, OpenedObject opened, ForwardingSummary summary, string requestId)
    {
        if (progress is null || opened.ETag.Length == 0)
        {
            return;
        }
        ProgressMark? mark = summary.Outcome switch
        {
            ObjectOutcome.Completed => new ProgressMark(opened.ETag, summary.AcknowledgedThroughLine, Done: true),
            ObjectOutcome.Failed when summary.AcknowledgedThroughLine > summary.ResumedAfterLine =>
                new ProgressMark(opened.ETag, summary.AcknowledgedThroughLine, Done: false),
            _ => null,
        };
        if (mark is null)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(TagTimeout);
        try
        {
            if (await progress.WriteAsync(reference, opened.VersionId, mark, timeout.Token).ConfigureAwait(false) is { } reason)
            {
                log.Write("WARN", "progress not recorded", ("requestId", requestId), ("key", reference.Key), ("reason", reason));
            }
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or OperationCanceledException)
        {
            log.Write("WARN", "progress not recorded; a retry will send this object from the start", ("requestId", requestId),
                ("key", reference.Key), ("error", ex.Message));
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
