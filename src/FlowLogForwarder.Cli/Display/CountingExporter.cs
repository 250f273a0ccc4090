using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;

namespace FlowLogForwarder.Cli.Display;

/// <summary>Passes each batch to the real exporter and counts what it answered into <see cref="RunStats"/>, so the
/// display moves while a large object is still being sent; and notes a refused ingestion key, which stops a backfill.</summary>
internal sealed class CountingExporter(IBatchExporter inner, RunStats stats) : IBatchExporter
{
    /// <inheritdoc/>
    public async Task<BatchOutcome> ExportAsync(SigNozBatch batch, RefusalGuard guard, CancellationToken cancellationToken)
    {
        var outcome = await inner.ExportAsync(batch, guard, cancellationToken).ConfigureAwait(false);
        stats.BatchAcknowledged(outcome.RecordsDelivered, outcome.WireBytesDelivered, outcome.Retries);
        if (outcome.Stop is { Status: DeliveryStatus.Unauthorized } stop)
        {
            stats.RefusedKey($"the endpoint refused the ingestion key (HTTP {stop.HttpStatus}): {stop.Error}");
        }
        return outcome;
    }
}
