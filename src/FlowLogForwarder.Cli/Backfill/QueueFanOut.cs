using Amazon.SQS;
using Amazon.SQS.Model;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Events;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>
/// <c>backfill --via-queue</c>: puts one S3 event message per listed object on the function's ingest queue, ten per
/// SendMessageBatch, so that Lambda's own scaling (bounded by the event source mapping's maximum concurrency) does the
/// forwarding, with the function's resume, failure queue and metrics. Entries SQS refuses are sent again, a bounded
/// number of times; those still refused are counted as failures with SQS's reason.
/// </summary>
internal sealed class QueueFanOut(IAmazonSQS sqs, string queueUrl, RunStats stats, TimeProvider time)
{
    /// <summary>SQS's largest batch.</summary>
    public const int BatchSize = 10;

    private const int MaxAttempts = 4;

    /// <summary>Messages SQS accepted.</summary>
    public long MessagesSent => Interlocked.Read(ref _sent);

    private long _sent;

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

    private async Task SendAsync(List<ObjectReference> batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // The entry id is the object's index in the batch, so a refused entry maps back to its object.
        var pending = batch.Select((reference, i) => new SendMessageBatchRequestEntry(
            i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            S3EventMessage.For(reference, FlowLogKey.Parse(reference.Key).Region, now))).ToList();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var response = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest(queueUrl, pending), cancellationToken).ConfigureAwait(false);
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
                stats.Failed(batch[int.Parse(refused.Id, System.Globalization.CultureInfo.InvariantCulture)].Key, $"SQS refused the message: {refused.Code}: {refused.Message}");
            }
            pending = attempt == MaxAttempts ? [] : pending.Where(e => retry.Contains(e.Id)).ToList();
            if (pending.Count > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
