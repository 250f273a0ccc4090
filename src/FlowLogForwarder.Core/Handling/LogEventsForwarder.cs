using FlowLogForwarder.Events;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Handling;

/// <summary>
/// Forwards the records of one CloudWatch Logs subscription delivery: each message one record in the configured format
/// (<c>FLOWLOG_FORMAT</c>), the log group and stream as resources, the event id as <c>log.record.uid</c>. A control
/// message is acknowledged and ignored. Nothing here is kept between attempts: a delivery that did not complete fails
/// the invocation, and Lambda's retry (then the failure queue) sends it again whole.
/// </summary>
public sealed class LogEventsForwarder(FlowLogPipeline pipeline, int maxLineBytes, JsonLog log)
{
    /// <summary>Forwards <paramref name="delivery"/>: Completed, Skipped (a control message), or why it did not complete.</summary>
    public async Task<ObjectResult> ForwardAsync(CloudWatchLogsData delivery, string requestId, CancellationToken cancellationToken)
    {
        if (delivery.IsControl)
        {
            log.Write("INFO", "CloudWatch Logs control message acknowledged", ("requestId", requestId), ("logGroup", delivery.LogGroup),
                ("logStream", delivery.LogStream));
            return new ObjectResult(ObjectDisposition.Skipped);
        }
        var origin = FlowLogSource.FromLogStream(delivery.Owner, delivery.LogGroup!, delivery.LogStream!);
        ForwardingSummary summary;
        var source = new LogEventSource(delivery.LogEvents, maxLineBytes);
        await using (source.ConfigureAwait(false))
        {
            summary = await pipeline.ForwardAsync(source, origin, cancellationToken).ConfigureAwait(false);
        }
        log.Summary(summary, null, requestId);
        return summary.Outcome switch
        {
            ObjectOutcome.Completed => new ObjectResult(ObjectDisposition.Completed, summary),
            ObjectOutcome.Unreadable => new ObjectResult(ObjectDisposition.Unreadable, summary, summary.Error),
            _ => new ObjectResult(ObjectDisposition.Failed, summary, summary.Error),
        };
    }
}
