using Amazon.SQS;
using Amazon.SQS.Model;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>How many messages a queue holds: waiting (visible) and being handled (not visible).</summary>
internal readonly record struct QueueDepth(long Waiting, long InFlight)
{
    /// <summary>Both together.</summary>
    public long Total => Waiting + InFlight;
}

/// <summary>
/// <c>backfill --via-queue ... --wait</c>: polls the queue's approximate depth until it is empty, or until the time
/// allowed has passed. SQS's counts are approximate and lag by up to a minute, so the queue counts as drained only
/// after it reads empty twice in a row.
/// </summary>
internal sealed class QueueDrainWatch(IAmazonSQS sqs, string queueUrl, TimeProvider time, TimeSpan pollInterval)
{
    private static readonly List<string> Attributes = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"];

    /// <summary>Polls until drained (true) or <paramref name="limit"/> has passed (false); <paramref name="report"/>
    /// sees each reading.</summary>
    public async Task<bool> WaitAsync(TimeSpan limit, Action<QueueDepth> report, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var emptyReadings = 0;
        while (true)
        {
            var response = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest(queueUrl, Attributes), cancellationToken).ConfigureAwait(false);
            var depth = new QueueDepth(response.ApproximateNumberOfMessages, response.ApproximateNumberOfMessagesNotVisible);
            report(depth);
            emptyReadings = depth.Total == 0 ? emptyReadings + 1 : 0;
            if (emptyReadings >= 2)
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
