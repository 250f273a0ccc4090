using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;

namespace FlowLogForwarder.Pipeline;

/// <summary>
/// Keeps up to a fixed number of batches in flight to the sink and completes them in the order they were sent,
/// so progress is always a contiguous prefix of the object.
/// </summary>
internal sealed class BatchDispatcher(IBatchSink sink, int maxInFlight, SummaryBuilder summary)
{
    private readonly Queue<(SigNozBatch Batch, Task<BatchOutcome> Delivery)> _inFlight = new();
    private readonly BatchDeliverer _deliverer = new(sink);
    private readonly RefusalGuard _guard = new();

    /// <summary>Set once a batch failed in a way that later batches would too.</summary>
    public bool Stopped => summary.StoppingResult is not null;

    /// <summary>Starts sending <paramref name="batch"/>, first waiting for room.</summary>
    public async ValueTask SubmitAsync(SigNozBatch batch, CancellationToken cancellationToken)
    {
        summary.Batches++;
        while (_inFlight.Count >= maxInFlight)
        {
            await CompleteOldestAsync().ConfigureAwait(false);
        }
        if (Stopped)
        {
            summary.NotSent(batch.RecordCount);
            batch.Dispose();
            return;
        }
        _inFlight.Enqueue((batch, _deliverer.DeliverAsync(batch, _guard, cancellationToken)));
    }

    /// <summary>Waits for every batch in flight.</summary>
    public async ValueTask DrainAsync()
    {
        while (_inFlight.Count > 0)
        {
            await CompleteOldestAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask CompleteOldestAsync()
    {
        var (batch, delivery) = _inFlight.Dequeue();
        try
        {
            var outcome = await delivery.ConfigureAwait(false);
            // Rejections become final only while they stay a small minority of the object's records, judged in
            // order; otherwise the endpoint, not the records, is at fault and the object fails instead.
            if (outcome.LastRejection is { } lastRejection
                && !RefusalGuard.IsSmallMinority(summary.RecordsRejected + outcome.RecordsRejected, summary.RecordsForwarded + outcome.RecordsDelivered))
            {
                outcome.RefusedWholesale(BatchDeliverer.Wholesale(lastRejection));
            }
            summary.Completed(batch, outcome);
        }
        finally
        {
            batch.Dispose();
        }
    }
}
