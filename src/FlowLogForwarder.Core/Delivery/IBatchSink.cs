using FlowLogForwarder.Batching;

namespace FlowLogForwarder.Delivery;

/// <summary>Where batches go: the SigNoz endpoint, or a local preview.</summary>
public interface IBatchSink
{
    /// <summary>Delivers one batch; must be safe to call for several batches at once.</summary>
    ValueTask<DeliveryResult> SendAsync(SigNozBatch batch, CancellationToken cancellationToken);
}
