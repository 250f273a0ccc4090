using System.Threading.Channels;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>
/// Forwards listed objects from this machine, <c>concurrency</c> at once, each through the function's own
/// <see cref="ObjectForwarder"/>: the same filter, the same per-destination progress tag read first (an object already
/// delivered is skipped, a partly delivered one resumes) and written after. Listing runs ahead of the workers through
/// a bounded queue, so the total grows while the first objects are sent and memory does not grow with the bucket.
/// No new object starts once the endpoint has refused the ingestion key, or after <see cref="MaxConsecutiveFailures"/>
/// objects failed in a row: whatever failed them would fail the rest.
/// </summary>
/// <param name="newForwarder">Makes each worker's forwarder: one pipeline (and batch buffer pool) per worker, so a
/// worker reuses its own FLOWLOG_MAX_IN_FLIGHT + 2 batch buffers instead of contending for one pool's few.</param>
/// <param name="stats">The run's totals.</param>
/// <param name="concurrency">Workers, each forwarding one object at a time.</param>
internal sealed class BackfillRunner(Func<ObjectForwarder> newForwarder, RunStats stats, int concurrency)
{
    /// <summary>Objects failing in a row (none delivered in between) that stop the run. One object failing is its own
    /// trouble; ten in a row, more than the default concurrency has in flight, is a cause they share (the endpoint down
    /// or unreachable, S3 credentials expired), and each further object would only fail after its full retry budget.</summary>
    internal const int MaxConsecutiveFailures = 10;

    private const int ListAhead = 10_000;

    private int _consecutiveFailures;
    private string? _stoppedBecause;

    /// <summary>Why no new object was started although the listing went on (a refused key, failures in a row); null when none.</summary>
    public string? StoppedBecause => Volatile.Read(ref _stoppedBecause);

    /// <summary>Forwards every object <paramref name="objects"/> yields; answers false when it was stopped early.</summary>
    /// <param name="objects">The listing.</param>
    /// <param name="stopStarting">Stops listing and starting objects; the objects in flight go on.</param>
    /// <param name="abort">Stops the objects in flight too; each still records the progress it reached.</param>
    public async Task<bool> RunAsync(IAsyncEnumerable<ObjectReference> objects, CancellationToken stopStarting, CancellationToken abort)
    {
        var queue = Channel.CreateBounded<ObjectReference>(new BoundedChannelOptions(ListAhead) { SingleWriter = true });
        // Should every worker end early, the listing must not wait forever on a full queue nobody reads.
        using var noWorkers = new CancellationTokenSource();
        var listing = ListAsync(objects, queue.Writer, stopStarting, noWorkers.Token);
        var workers = Enumerable.Range(0, concurrency).Select(_ => WorkAsync(newForwarder(), queue.Reader, stopStarting, abort)).ToArray();
        _ = Task.WhenAll(workers).ContinueWith(_ => noWorkers.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await listing.ConfigureAwait(false);
        }
        finally
        {
            // Workers end when the queue is drained or starting has stopped; a listing error surfaces after them.
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        return !stopStarting.IsCancellationRequested;
    }

    private async Task ListAsync(IAsyncEnumerable<ObjectReference> objects, ChannelWriter<ObjectReference> writer, CancellationToken stopStarting,
        CancellationToken noWorkers)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopStarting, noWorkers);
        try
        {
            await foreach (var reference in objects.WithCancellation(stop.Token).ConfigureAwait(false))
            {
                stats.AddToTotal(1);
                await writer.WriteAsync(reference, stop.Token).ConfigureAwait(false);
            }
            stats.TotalIsKnown();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped: what was listed and not started is reported as not started.
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private async Task WorkAsync(ObjectForwarder forwarder, ChannelReader<ObjectReference> reader, CancellationToken stopStarting, CancellationToken abort)
    {
        while (GoesOn(stopStarting) && await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (!GoesOn(stopStarting) || !reader.TryRead(out var reference))
            {
                continue;
            }
            try
            {
                Count(reference, await forwarder.ForwardAsync(reference, "backfill", abort).ConfigureAwait(false));
            }
#pragma warning disable CA1031 // Whatever one object throws (an AmazonClientException from S3, say) fails that object, not the worker.
            catch (Exception ex) when (ex is not OperationCanceledException || !abort.IsCancellationRequested)
#pragma warning restore CA1031
            {
                stats.Failed(reference.Key, ex.Message, ex.ToString());
                Failing(true);
            }
        }
    }

    private bool GoesOn(CancellationToken stopStarting)
    {
        if (stats.KeyRefused is { } refused)
        {
            Interlocked.CompareExchange(ref _stoppedBecause, refused, null);
        }
        return !stopStarting.IsCancellationRequested && StoppedBecause is null;
    }

    /// <summary>Counts an object that failed (true) or was delivered (false) towards <see cref="MaxConsecutiveFailures"/>.</summary>
    private void Failing(bool failed)
    {
        if (!failed)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }
        else if (Interlocked.Increment(ref _consecutiveFailures) >= MaxConsecutiveFailures)
        {
            Interlocked.CompareExchange(ref _stoppedBecause, $"{MaxConsecutiveFailures} objects failed in a row", null);
        }
    }

    private void Count(ObjectReference reference, ObjectResult result)
    {
        // An object that cannot be read, or was skipped, says nothing about the endpoint or the credentials: it does not count towards a stop.
        if (result.Disposition is ObjectDisposition.Completed or ObjectDisposition.Failed or ObjectDisposition.Refused)
        {
            Failing(result.Disposition != ObjectDisposition.Completed);
        }
        if (result.Summary is { } summary)
        {
            stats.ObjectRead(summary, failed: result.Disposition != ObjectDisposition.Completed || summary.RecordsFailed + summary.RecordsRejected > 0);
        }
        else if (result.Disposition == ObjectDisposition.Skipped)
        {
            stats.ObjectSkipped();
        }
        else
        {
            stats.Failed(reference.Key, result.Error ?? result.Disposition.ToString());
        }
    }
}
