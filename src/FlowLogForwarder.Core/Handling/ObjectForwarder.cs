using Amazon.S3;
using FlowLogForwarder.Events;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Storage;

namespace FlowLogForwarder.Handling;

/// <summary>What became of one object an event named.</summary>
public enum ObjectDisposition
{
    /// <summary>Every record was delivered, or counted as skipped or rejected in the summary.</summary>
    Completed,
    /// <summary>Not read: the policy or the key excludes it, or this destination already has it.</summary>
    Skipped,
    /// <summary>S3 refused the read: the bucket is not owned by the expected account. A retry cannot help.</summary>
    Refused,
    /// <summary>Not a readable flow log (no header, corrupt gzip); a retry would read the same bytes.</summary>
    Unreadable,
    /// <summary>Not fully delivered for a reason that may pass (S3 or the endpoint failed, time ran out): retry it.</summary>
    Failed,
}

/// <summary>An object's disposition, its pipeline summary when it was read, and why it failed.</summary>
public sealed record ObjectResult(ObjectDisposition Disposition, ForwardingSummary? Summary = null, string? Error = null);

/// <summary>
/// Forwards one S3 object: applies the policy, opens the named version, resumes from this destination's progress tag,
/// runs the pipeline, records the progress reached, and logs the object's summary.
/// </summary>
public sealed class ObjectForwarder
{
    // Progress tags are written after the deadline token has fired, so they get their own short budget.
    private static readonly TimeSpan TagTimeout = TimeSpan.FromSeconds(2);

    private readonly FlowLogPipeline _pipeline;
    private readonly ForwardingPolicy _policy;
    private readonly IAmazonS3 _s3;
    private readonly S3ObjectOpener _opener;
    private readonly S3ProgressTags? _progress;
    private readonly JsonLog _log;
    private readonly TimeProvider _time;

    /// <summary>Creates the forwarder; <paramref name="s3"/> serves both the object and its progress tag.</summary>
    public ObjectForwarder(FlowLogPipeline pipeline, IAmazonS3 s3, ForwardingPolicy policy, JsonLog log, TimeProvider time)
    {
        _pipeline = pipeline;
        _policy = policy;
        _s3 = s3;
        _opener = new S3ObjectOpener(s3, policy.ExpectedBucketOwners);
        _progress = policy.ProgressTag is { } tagKey ? new S3ProgressTags(s3, tagKey, policy.ExpectedBucketOwners) : null;
        _log = log;
        _time = time;
    }

    /// <summary>The pipeline objects go through; CloudWatch Logs deliveries use it too.</summary>
    internal FlowLogPipeline Pipeline => _pipeline;

    /// <summary>Forwards <paramref name="reference"/> and says what became of it; failures are answered, not thrown.</summary>
    /// <param name="reference">The object.</param>
    /// <param name="requestId">Names the event in every log line.</param>
    /// <param name="cancellationToken">Stops delivery (the invocation's deadline); progress is still recorded.</param>
    public async Task<ObjectResult> ForwardAsync(ObjectReference reference, string requestId, CancellationToken cancellationToken)
    {
        if (ObjectFilter.SkipReason(reference, _policy) is { } reason)
        {
            _log.Write("WARN", "object skipped", ("requestId", requestId), ("bucket", reference.Bucket), ("key", reference.Key), ("reason", reason));
            return new ObjectResult(ObjectDisposition.Skipped);
        }
        ForwardingSummary summary;
        OpenedObject? opened = null;
        try
        {
            opened = await OpenAsync(reference, cancellationToken).ConfigureAwait(false);
            var mark = await ReadProgressAsync(reference, opened, requestId, cancellationToken).ConfigureAwait(false);
            if (mark is { Done: true })
            {
                await opened.CloseAsync().ConfigureAwait(false);
                _log.Write("INFO", "object skipped", ("requestId", requestId), ("bucket", reference.Bucket), ("key", reference.Key),
                    ("reason", $"already delivered (eTag {opened.ETag}); a duplicate or retried event"));
                return new ObjectResult(ObjectDisposition.Skipped);
            }
            var origin = FlowLogSource.FromKey(reference.Bucket, reference.Key);
            var resumeAfter = mark?.DeliveredThroughLine ?? 0;
            summary = opened.Ranges is { } ranges
                ? await _pipeline.ForwardParquetAsync(ranges, origin, cancellationToken, resumeAfter).ConfigureAwait(false)
                : await _pipeline.ForwardAsync(opened.Body, origin, cancellationToken, resumeAfter).ConfigureAwait(false);
        }
        catch (BucketOwnerRefusedException ex)
        {
            // Not retried: the bucket's owner does not change by itself; replay once the event or the setting is right.
            _log.Write("ERROR", "object refused", ("requestId", requestId), ("bucket", reference.Bucket), ("key", reference.Key), ("error", ex.Message));
            return new ObjectResult(ObjectDisposition.Refused, Error: ex.Message);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
        {
            if (opened is not null)
            {
                await opened.CloseAsync().ConfigureAwait(false);
            }
            var message = ex is AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.PreconditionFailed }
                ? "the object was overwritten since the event (eTag no longer matches)"
                : ex.Message;
            _log.Write("ERROR", "object could not be read", ("requestId", requestId), ("bucket", reference.Bucket), ("key", reference.Key), ("error", message));
            return new ObjectResult(ObjectDisposition.Failed, Error: message);
        }

        await WriteProgressAsync(reference, opened, summary, requestId).ConfigureAwait(false);
        _log.Summary(summary, reference.Bucket, requestId);
        var disposition = summary.Outcome switch
        {
            ObjectOutcome.Completed => ObjectDisposition.Completed,
            ObjectOutcome.Unreadable => ObjectDisposition.Unreadable,
            _ => ObjectDisposition.Failed,
        };
        return new ObjectResult(disposition, summary, summary.Error);
    }

    // A Parquet object (AWS names them *.log.parquet) is read by ranges, footer first; any other as a stream.
    private async Task<OpenedObject> OpenAsync(ObjectReference reference, CancellationToken cancellationToken)
    {
        if (!reference.Key.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            return await _opener.OpenAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        var ranges = await S3ObjectRanges.OpenAsync(_s3, reference, _policy.ExpectedBucketOwners, cancellationToken).ConfigureAwait(false);
        return new OpenedObject(Stream.Null, ranges.ETag, ranges.VersionId, ranges);
    }

    private async Task<ProgressMark?> ReadProgressAsync(ObjectReference reference, OpenedObject opened, string requestId, CancellationToken cancellationToken)
    {
        if (_progress is null || opened.ETag.Length == 0)
        {
            return null;
        }
        try
        {
            var mark = await _progress.ReadAsync(reference, opened.VersionId, cancellationToken).ConfigureAwait(false);
            // A mark for another version of the object (overwritten since) says nothing about this one.
            return mark is not null && mark.ETag == opened.ETag ? mark : null;
        }
        catch (Amazon.Runtime.AmazonServiceException ex)
        {
            _log.Write("WARN", "progress tag not readable; forwarding from the start", ("requestId", requestId), ("key", reference.Key), ("error", ex.Message));
            return null;
        }
    }

    private async Task WriteProgressAsync(ObjectReference reference, OpenedObject opened, ForwardingSummary summary, string requestId)
    {
        if (_progress is null || opened.ETag.Length == 0)
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
        using var timeout = new CancellationTokenSource(TagTimeout, _time);
        try
        {
            if (await _progress.WriteAsync(reference, opened.VersionId, mark, timeout.Token).ConfigureAwait(false) is { } reason)
            {
                _log.Write("WARN", "progress not recorded", ("requestId", requestId), ("key", reference.Key), ("reason", reason));
            }
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or OperationCanceledException)
        {
            _log.Write("WARN", "progress not recorded; a retry will send this object from the start", ("requestId", requestId),
                ("key", reference.Key), ("error", ex.Message));
        }
    }
}
