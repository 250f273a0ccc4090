using FlowLogForwarder.Batching;

namespace FlowLogForwarder.Delivery;

/// <summary>
/// Delivers one batch through a sink. When the endpoint refuses a request's body (400, or 413 too large) it splits
/// the request in halves and sends each, left first, so every good record is delivered and only a record refused
/// alone is rejected, with its line and the server's reason: at most about 2·log2(n) extra requests per bad record.
/// Any answer that stops the object stops the batch at once, with how far it got.
/// </summary>
public sealed class BatchDeliverer(IBatchSink sink) : IBatchExporter
{
    /// <inheritdoc />
    public async Task<BatchOutcome> ExportAsync(SigNozBatch batch, RefusalGuard guard, CancellationToken cancellationToken)
    {
        var outcome = new BatchOutcome(batch.RecordCount);
        var result = await SendAsync(batch, cancellationToken).ConfigureAwait(false);
        await ResolveAsync(batch, batch, 0, result, outcome, guard, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    // Resolves the records of `part` (records [first, first + part.RecordCount) of `whole`) given the answer it got.
    // Returns false when delivery must stop.
    private async Task<bool> ResolveAsync(SigNozBatch whole, SigNozBatch part, int first, DeliveryResult result, BatchOutcome outcome,
        RefusalGuard guard, CancellationToken cancellationToken)
    {
        outcome.Answered(result);
        var count = part.RecordCount;
        switch (result.Status)
        {
            case DeliveryStatus.Delivered:
                // A sink that reports no wire size (a preview, a test sink) sent the JSON as it is.
                outcome.Delivered(first, count, part.Length, result.WireBytes > 0 ? result.WireBytes : part.Length);
                // OTLP partial success: the endpoint took the request but rejected some records, final by the
                // specification (retrying would not change it), so they are counted rejected, not sent again.
                var rejected = (int)Math.Min(result.RejectedRecords, count);
                if (rejected > 0)
                {
                    outcome.RejectedOnArrival(rejected, new RejectedRecord(part.FirstLine, result.HttpStatus,
                        $"the endpoint accepted the request (lines {part.FirstLine}-{part.LastLine}) but rejected {rejected} of its {count} records: {result.Error}"));
                }
                guard.Delivered(count - rejected);
                return true;
            case DeliveryStatus.Refused when count == 1:
                outcome.Reject(first, new RejectedRecord(part.FirstLine, result.HttpStatus, result.Error ?? "refused"));
                if (guard.RefusedAlone())
                {
                    outcome.RefusedWholesale(Wholesale(result));
                    return false;
                }
                return true;
            case DeliveryStatus.Refused:
                outcome.Refused(new RefusedRequest(part.FirstLine, part.LastLine, count, result.HttpStatus, result.Error ?? "refused"));
                var half = count / 2;
                return await SendPartAsync(whole, first, half, outcome, guard, cancellationToken).ConfigureAwait(false)
                    && await SendPartAsync(whole, first + half, count - half, outcome, guard, cancellationToken).ConfigureAwait(false);
            default:
                outcome.StopAt(first, result);
                return false;
        }
    }

    private async Task<bool> SendPartAsync(SigNozBatch whole, int first, int count, BatchOutcome outcome, RefusalGuard guard,
        CancellationToken cancellationToken)
    {
        using var part = whole.Slice(first, count);
        var result = await SendAsync(part, cancellationToken).ConfigureAwait(false);
        return await ResolveAsync(whole, part, first, result, outcome, guard, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeliveryResult> SendAsync(SigNozBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            return await sink.SendAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(DeliveryStatus.Cancelled, 0, null, "stopped: the time available ran out before delivery");
        }
    }

    /// <summary>The stop reported when refused records are not a small minority.</summary>
    public static DeliveryResult Wholesale(DeliveryResult lastRefusal) => new(DeliveryStatus.RefusedWholesale, 0, lastRefusal.HttpStatus,
        $"the endpoint refused too many records one by one (more than 1 in {RefusalGuard.MinorityDivisor}), so the endpoint, " +
        $"not the records, is taken to be at fault (a wrong path, or a proxy refusing every POST?); last refusal: {lastRefusal.Error}");
}
