using FlowLogForwarder.Batching;

namespace FlowLogForwarder.Delivery;

/// <summary>
/// Delivery's one seam: sends one batch of mapped records to a destination and answers what became of each record
/// (delivered, rejected with a reason, or not delivered because delivery stopped). A new protocol is a new exporter.
/// </summary>
public interface IBatchExporter
{
    /// <summary>Exports <paramref name="batch"/>; never throws for what the destination answers. Safe to call for several
    /// batches of one object at once; <paramref name="guard"/> is that object's.</summary>
    Task<BatchOutcome> ExportAsync(SigNozBatch batch, RefusalGuard guard, CancellationToken cancellationToken);
}
