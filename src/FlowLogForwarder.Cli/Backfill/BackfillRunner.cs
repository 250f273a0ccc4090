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
/// </summary>
internal sealed class BackfillRunner(ObjectForwarder forwarder, RunStats stats, int concurrency)
{
    private const int ListAhead = 10_000;

    /// <summary>Forwards every object <paramref name="objects"/> yields; answers false when it was stopped early.</summary>
    /// <param name="objects">The listing.</param>
    /// <param name="stopStarting">Stops listing and starting objects; the objects in flight go on.</param>
    /// <param name="abort">Stops the objects in flight too; each still records the progress it reached.</param>
    public async Task<bool> RunAsync(IAsyncEnumerable<ObjectReference> objects, CancellationToken stopStarting, CancellationToken abort)
    {
        var queue = Channel.CreateBounded<ObjectReference>(new BoundedChannelOptions(ListAhead) { SingleWriter = true });
        var listing = ListAsync(objects, queue.Writer, stopStarting);
        var workers = Enumerable.Range(0, concurrency).Select(_ => WorkAsync(queue.Reader, stopStarting, abort)).ToArray();
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

    private async Task ListAsync(IAsyncEnumerable<ObjectReference> objects, ChannelWriter<ObjectReference> writer, CancellationToken stopStarting)
    {
        try
        {
            await foreach (var reference in objects.WithCancellation(stopStarting).ConfigureAwait(false))
            {
                stats.AddToTotal(1);
                await writer.WriteAsync(reference, stopStarting).ConfigureAwait(false);
            }
            stats.TotalIsKnown();
        }
        catch (OperationCanceledException) when (stopStarting.IsCancellationRequested)
        {
            // Stopped: what was listed and not started is reported as not started.
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private async Task WorkAsync(ChannelReader<ObjectReference> reader, CancellationToken stopStarting, CancellationToken abort)
    {
        while (!stopStarting.IsCancellationRequested && await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (stopStarting.IsCancellationRequested || !reader.TryRead(out var reference))
            {
                continue;
            }
            var result = await forwarder.ForwardAsync(reference, "backfill", abort).ConfigureAwait(false);
            Count(reference, result);
        }
    }

    private void Count(ObjectReference reference, ObjectResult result)
    {
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
