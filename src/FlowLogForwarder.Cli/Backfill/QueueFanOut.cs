using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Events;
using FlowLogForwarder.Storage;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>
/// <c>backfill --via-queue</c>: puts one S3 event message per listed object on the function's ingest queue, ten per
/// SendMessageBatch, so that Lambda's own scaling (bounded by the event source mapping's maximum concurrency) does the
/// forwarding, with the function's resume, failure queue and metrics. Entries SQS refuses are sent again, a bounded
/// number of times; those still refused, and every entry of a batch SQS failed whole, are counted as failures with
/// SQS's reason, and the run goes on. When this destination's progress tag is known, objects it says are delivered
/// are not enqueued at all.
/// </summary>
/// <param name="tags">This destination's progress tags, or null when no endpoint or FLOWLOG_PROGRESS_TAG names them.</param>
internal sealed class QueueFanOut(IAmazonSQS sqs, string queueUrl, RunStats stats, TimeProvider time, S3ProgressTags? tags = null)
{
    /// <summary>SQS's largest batch.</summary>
    public const int BatchSize = 10;

    private const int MaxAttempts = 4;

    /// <summary>Messages SQS accepted.</summary>
    public long MessagesSent => Interlocked.Read(ref _sent);

    /// <summary>Objects not enqueued because their progress tag says this destination has them.</summary>
    public long AlreadyDelivered => Interlocked.Read(ref _alreadyDelivered);

    private long _sent, _alreadyDelivered;
    private int _tagWarned;

    /// <summary>Enqueues a message for each object; answers false when stopped early.</summary>
    public async Task<bool> RunAsync(IAsyncEnumerable<ObjectReference> objects, CancellationToken cancellationToken)
    {
        var batch = new List<ObjectReference>(BatchSize);
        try
        {
            await foreach (var reference in objects.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                stats.AddToTotal(1);
                batch.Add(reference);
                if (batch.Count == BatchSize)
                {
                    await SendAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                }
            }
            stats.TotalIsKnown();
            if (batch.Count > 0)
            {
                await SendAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task SendAsync(List<ObjectReference> listed, CancellationToken cancellationToken)
    {
        var batch = await ToEnqueueAsync(listed, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        // The entry id is the object's index in the batch, so a refused entry maps back to its object.
        var pending = batch.Select((reference, i) => new SendMessageBatchRequestEntry(
            i.ToString(CultureInfo.InvariantCulture),
            S3EventMessage.For(reference, FlowLogKey.Parse(reference.Key).Region, now))).ToList();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            SendMessageBatchResponse response;
            try
            {
                response = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest(queueUrl, pending), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException)
            {
                // The whole batch failed (after the SDK's own retries): its objects fail, the next batch is tried.
                foreach (var entry in pending)
                {
                    stats.Failed(batch[int.Parse(entry.Id, CultureInfo.InvariantCulture)].Key, $"SQS failed the batch: {(ex is AmazonServiceException { ErrorCode: { } code } ? $"{code}: " : "")}{ex.Message}");
                }
                return;
            }
            var sent = response.Successful?.Count ?? 0;
            Interlocked.Add(ref _sent, sent);
            for (var i = 0; i < sent; i++)
            {
                stats.ObjectEnqueued();
            }
            var failed = response.Failed ?? [];
            var retry = failed.Where(f => f.SenderFault != true).Select(f => f.Id).ToHashSet();
            foreach (var refused in failed.Where(f => f.SenderFault == true || attempt == MaxAttempts))
            {
                stats.Failed(batch[int.Parse(refused.Id, CultureInfo.InvariantCulture)].Key, $"SQS refused the message: {refused.Code}: {refused.Message}");
            }
            pending = attempt == MaxAttempts ? [] : pending.Where(e => retry.Contains(e.Id)).ToList();
            if (pending.Count > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The objects of <paramref name="listed"/> to enqueue: all, or (tags known) those not already delivered,
    /// read ten at once. An eTag other than the listing's means the object was overwritten since: it is enqueued.</summary>
    private async Task<List<ObjectReference>> ToEnqueueAsync(List<ObjectReference> listed, CancellationToken cancellationToken)
    {
        if (tags is null)
        {
            return listed;
        }
        var delivered = await Task.WhenAll(listed.Select(o => DeliveredAsync(o, cancellationToken))).ConfigureAwait(false);
        var enqueue = new List<ObjectReference>(listed.Count);
        for (var i = 0; i < listed.Count; i++)
        {
            if (delivered[i])
            {
                Interlocked.Increment(ref _alreadyDelivered);
                stats.ObjectSkipped();
            }
            else
            {
                enqueue.Add(listed[i]);
            }
        }
        return enqueue;
    }

    private async Task<bool> DeliveredAsync(ObjectReference reference, CancellationToken cancellationToken)
    {
        try
        {
            return await tags!.ReadAsync(reference, versionId: null, cancellationToken).ConfigureAwait(false) is { Done: true } mark
                && mark.ETag == reference.ETag;
        }
        catch (AmazonServiceException ex)
        {
            // Unreadable here says nothing final: the function reads the tag again and skips the object if it is delivered.
            if (Interlocked.Exchange(ref _tagWarned, 1) == 0)
            {
                stats.Warn($"progress tags not readable ({ex.Message}; needs s3:GetObjectTagging): objects are enqueued whether delivered or not, " +
                    "and the function skips those it already delivered");
            }
            return false;
        }
    }
}
