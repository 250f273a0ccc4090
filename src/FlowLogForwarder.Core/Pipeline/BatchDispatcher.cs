using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;

namespace FlowLogForwarder.Pipeline;

/// <summary>
/// Keeps up to a fixed number of batches in flight to the sink and completes them in the order they were sent,
/// so progress is always a contiguous prefix of the object.
/// </summary>
internal sealed class BatchDispatcher(IBatchSink sink, int maxInFlight, SummaryBuilder summary)
{
    private readonly Queue<(SigNozBatch Batch, Task<DeliveryResult> Delivery)> _inFlight = new();

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
        _inFlight.Enqueue((batch, sink.SendAsync(batch, cancellationToken).AsTask()));
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
            DeliveryResult result;
            try
            {
                result = await delivery.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                result = new DeliveryResult(DeliveryStatus.Cancelled, 0, null, "stopped: the time available ran out before delivery");
            }
            summary.Completed(batch, result);
        }
        finally
        {
            batch.Dispose();
        }
    }
}
