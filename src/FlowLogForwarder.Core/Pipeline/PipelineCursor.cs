using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;

namespace FlowLogForwarder.Pipeline;

/// <summary>
/// Where the forwarding of one object stands and whether it goes on: the resume point, the acknowledged prefix and
/// why it stopped. This is the pipeline's control state; the counts for the report live apart, in <see cref="ForwardingTally"/>.
/// </summary>
internal sealed class PipelineCursor(long resumeAfterLine)
{
    private bool _gap;

    /// <summary>Lines up to this one were delivered by an earlier attempt and are not sent again.</summary>
    public long ResumeAfterLine { get; } = resumeAfterLine;

    /// <summary>Every line up to this one was delivered or finally dealt with; a retry may resume after it.</summary>
    public long AcknowledgedThroughLine { get; private set; } = resumeAfterLine;

    /// <summary>Why delivery stopped, or null.</summary>
    public DeliveryResult? DeliveryStop { get; private set; }

    /// <summary>Why the object cannot be read as a flow log, or null.</summary>
    public string? Unreadable { get; private set; }

    /// <summary>False once delivery stopped or the object turned out unreadable.</summary>
    public bool GoesOn => DeliveryStop is null && Unreadable is null;

    /// <summary>The object is not a flow log: no further line is processed.</summary>
    public void MarkUnreadable(string reason) => Unreadable ??= reason;

    /// <summary>Moves the acknowledged prefix past a batch's resolved records; batches arrive in sequence order.</summary>
    public void Advance(SigNozBatch batch, BatchOutcome outcome)
    {
        if (outcome.Stop is { } stop)
        {
            DeliveryStop ??= stop;
            if (!_gap && outcome.AcknowledgedRecords > 0)
            {
                AcknowledgedThroughLine = Math.Max(AcknowledgedThroughLine, batch.LineOf(outcome.AcknowledgedRecords - 1));
            }
            _gap = true;
        }
        else if (!_gap)
        {
            AcknowledgedThroughLine = Math.Max(AcknowledgedThroughLine, batch.LastLine);
        }
    }
}
