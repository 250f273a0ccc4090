using Amazon.SQS;
using Amazon.SQS.Model;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>How many messages a queue holds: waiting (visible), being handled (not visible) and delayed (not yet visible).</summary>
internal readonly record struct QueueDepth(long Waiting, long InFlight, long Delayed = 0)
{
    /// <summary>All of them.</summary>
    public long Total => Waiting + InFlight + Delayed;
}

/// <summary>
/// <c>backfill --via-queue ... --wait</c>: polls the queue's approximate depth until it is empty, or until the time
/// allowed has passed. SQS's counts are approximate and lag by up to a minute, so the queue counts as drained only
/// when every reading over <paramref name="quietSpan"/> (a minute, in use) was empty, delayed messages included.
/// </summary>
internal sealed class QueueDrainWatch(IAmazonSQS sqs, string queueUrl, TimeProvider time, TimeSpan pollInterval, TimeSpan quietSpan)
{
    /// <summary>How long the queue must read empty: SQS's counts can lag by this much.</summary>
    public static readonly TimeSpan DefaultQuietSpan = TimeSpan.FromSeconds(60);

    private static readonly List<string> Attributes =
        ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"];

    /// <summary>Polls until drained (true) or <paramref name="limit"/> has passed (false); <paramref name="report"/>
    /// sees each reading.</summary>
    public async Task<bool> WaitAsync(TimeSpan limit, Action<QueueDepth> report, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        long? emptySince = null;
        while (true)
        {
            var response = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest(queueUrl, Attributes), cancellationToken).ConfigureAwait(false);
            var depth = new QueueDepth(response.ApproximateNumberOfMessages, response.ApproximateNumberOfMessagesNotVisible,
                response.ApproximateNumberOfMessagesDelayed);
            report(depth);
            var now = time.GetTimestamp();
            emptySince = depth.Total == 0 ? emptySince ?? now : null;
            if (emptySince is { } since && time.GetElapsedTime(since, now) >= quietSpan)
            {
                return true;
            }
            if (time.GetElapsedTime(started) + pollInterval > limit)
            {
                return false;
            }
            await Task.Delay(pollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
