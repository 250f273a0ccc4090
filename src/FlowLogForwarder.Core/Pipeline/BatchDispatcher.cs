using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;

namespace FlowLogForwarder.Pipeline;

/// <summary>
/// Keeps up to a fixed number of batches in flight to the exporter and completes them in the order they were sent,
/// so progress is always a contiguous prefix of the object.
/// </summary>
internal sealed class BatchDispatcher(IBatchExporter exporter, int maxInFlight, PipelineCursor cursor, ForwardingTally tally)
{
    private readonly Queue<(SigNozBatch Batch, Task<BatchOutcome> Export)> _inFlight = new();
    private readonly RefusalGuard _guard = new();

    /// <summary>Starts sending <paramref name="batch"/>, first waiting for room.</summary>
    public async ValueTask SubmitAsync(SigNozBatch batch, CancellationToken cancellationToken)
    {
        tally.Batch();
        while (_inFlight.Count >= maxInFlight)
        {
            await CompleteOldestAsync().ConfigureAwait(false);
        }
        if (cursor.DeliveryStop is not null)
        {
            tally.NotSent(batch.RecordCount);
            batch.Dispose();
            return;
        }
        _inFlight.Enqueue((batch, exporter.ExportAsync(batch, _guard, cancellationToken)));
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
        var (batch, export) = _inFlight.Dequeue();
        try
        {
            BatchOutcome outcome;
            try
            {
                outcome = await export.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Whatever the exporter threw, its records are not delivered: stop the object, keep the summary.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                outcome = BatchOutcome.NotDelivered(batch.RecordCount, new DeliveryResult(DeliveryStatus.RetriesExhausted, 0, null,
                    $"delivery failed unexpectedly ({ex.GetType().Name})"));
            }
            _guard.Confirm(outcome);
            tally.Completed(batch, outcome);
            cursor.Advance(batch, outcome);
        }
        finally
        {
            batch.Dispose();
        }
    }
}
