using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;

namespace FlowLogForwarder.Cli.Display;

/// <summary>Passes each batch to the real exporter and counts what it answered into <see cref="RunStats"/>, so the
/// display moves while a large object is still being sent.</summary>
internal sealed class CountingExporter(IBatchExporter inner, RunStats stats) : IBatchExporter
{
    /// <inheritdoc/>
    public async Task<BatchOutcome> ExportAsync(SigNozBatch batch, RefusalGuard guard, CancellationToken cancellationToken)
    {
        var outcome = await inner.ExportAsync(batch, guard, cancellationToken).ConfigureAwait(false);
        stats.BatchAcknowledged(outcome.RecordsDelivered, outcome.WireBytesDelivered, outcome.Retries);
        return outcome;
    }
}
