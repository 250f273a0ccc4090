using System.Collections.Concurrent;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Cli.Display;

/// <summary>
/// The running totals of one command's run, updated from many objects at once and read by the live display:
/// records and bytes as each batch is acknowledged (<see cref="CountingExporter"/>), the rest as each object ends.
/// </summary>
internal sealed class RunStats(TimeProvider time)
{
    /// <summary>Failures kept with their reason and detail: the first ones. A dead endpoint fails every object, and a
    /// run over a bucket would otherwise hold a summary for each; the count goes on.</summary>
    public const int FailuresKept = 20;

    private readonly long _started = time.GetTimestamp();
    private readonly ConcurrentQueue<(string Name, string Error, string? Detail)> _failures = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private long _objectsTotal, _objectsDone, _objectsSkipped, _objectsFailed, _objectsEnqueued, _progressNotRecorded;
    private long _recordsForwarded, _recordsSkipped, _recordsNotDelivered, _bytesIn, _bytesOut, _retries;
    private int _totalKnown, _failuresSeen;
    private string? _keyRefused;

    /// <summary>What the run is, for the display's title.</summary>
    public string Title { get; init; } = "";

    /// <summary>The objects (or events, or messages) the run will handle, as far as known.</summary>
    public long ObjectsTotal => Interlocked.Read(ref _objectsTotal);

    /// <summary>Whether <see cref="ObjectsTotal"/> is final (listing is over).</summary>
    public bool TotalKnown => Volatile.Read(ref _totalKnown) == 1;

    /// <summary>Objects finished, whatever became of them.</summary>
    public long ObjectsDone => Interlocked.Read(ref _objectsDone);

    /// <summary>Objects not read: already delivered, or excluded by the function's filter.</summary>
    public long ObjectsSkipped => Interlocked.Read(ref _objectsSkipped);

    /// <summary>Objects handed to the function through its queue (<c>backfill --via-queue</c>).</summary>
    public long ObjectsEnqueued => Interlocked.Read(ref _objectsEnqueued);

    /// <summary>Objects that failed, were unreadable or refused.</summary>
    public long ObjectsFailed => Interlocked.Read(ref _objectsFailed);

    /// <summary>Objects delivered (wholly or in part) whose progress tag could not be written: a re-run sends them again.</summary>
    public long ObjectsProgressNotRecorded => Interlocked.Read(ref _progressNotRecorded);

    /// <summary>Keys a backfill listed, selected or not (0 for other commands).</summary>
    public long KeysListed { get; private set; }

    /// <summary>Keys a backfill listed and did not select, by reason.</summary>
    public IReadOnlyDictionary<string, long> KeysExcluded { get; private set; } = new Dictionary<string, long>();

    /// <summary>Records the endpoint acknowledged, live.</summary>
    public long RecordsForwarded => Interlocked.Read(ref _recordsForwarded);

    /// <summary>Lines that were not records.</summary>
    public long RecordsSkipped => Interlocked.Read(ref _recordsSkipped);

    /// <summary>Records rejected or not delivered.</summary>
    public long RecordsNotDelivered => Interlocked.Read(ref _recordsNotDelivered);

    /// <summary>Bytes read as stored.</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>Bytes on the wire of acknowledged requests, live.</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>HTTP retries, live.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    /// <summary>Forwarded records per second of the run so far.</summary>
    public double RecordsPerSecond => RecordsForwarded / Math.Max(Elapsed.TotalSeconds, 1e-3);

    /// <summary>The first <see cref="FailuresKept"/> failed objects and why (with the summary as detail, when there is
    /// one), in the order they ended; <see cref="ObjectsFailed"/> counts them all.</summary>
    public IReadOnlyCollection<(string Name, string Error, string? Detail)> Failures => _failures;

    /// <summary>Warnings raised during the run (shown after the live display, which they would tear).</summary>
    public IReadOnlyCollection<string> Warnings => _warnings;

    /// <summary>Adds <paramref name="count"/> objects to the total.</summary>
    public void AddToTotal(long count) => Interlocked.Add(ref _objectsTotal, count);

    /// <summary>Marks the total final.</summary>
    public void TotalIsKnown() => Volatile.Write(ref _totalKnown, 1);

    /// <summary>Counts an acknowledged batch: its delivered records, wire bytes and retries.</summary>
    public void BatchAcknowledged(long records, long wireBytes, int retries)
    {
        Interlocked.Add(ref _recordsForwarded, records);
        Interlocked.Add(ref _bytesOut, wireBytes);
        Interlocked.Add(ref _retries, retries);
    }

    /// <summary>Counts an object that was read, by its summary (records forwarded were counted live).</summary>
    public void ObjectRead(ForwardingSummary summary, bool failed)
    {
        Interlocked.Add(ref _recordsSkipped, summary.RecordsSkipped);
        Interlocked.Add(ref _recordsNotDelivered, summary.RecordsFailed + summary.RecordsRejected);
        Interlocked.Add(ref _bytesIn, summary.BytesIn);
        if (failed)
        {
            Failed(summary.ObjectKey, summary.Error ?? $"{summary.RecordsFailed + summary.RecordsRejected} record(s) not delivered",
                System.Text.Json.JsonSerializer.Serialize(summary, SummaryJsonContext.Default.ForwardingSummary));
        }
        else
        {
            Interlocked.Increment(ref _objectsDone);
        }
    }

    /// <summary>Counts an object (or event) handled completely, whose records were counted live.</summary>
    public void Completed() => Interlocked.Increment(ref _objectsDone);

    /// <summary>Counts an object that was not read (already delivered, or excluded).</summary>
    public void ObjectSkipped()
    {
        Interlocked.Increment(ref _objectsSkipped);
        Interlocked.Increment(ref _objectsDone);
    }

    /// <summary>Counts an object whose event message the queue accepted.</summary>
    public void ObjectEnqueued()
    {
        Interlocked.Increment(ref _objectsEnqueued);
        Interlocked.Increment(ref _objectsDone);
    }

    /// <summary>Counts an object (or event) that failed, why, and the detail <c>--verbose</c> shows.</summary>
    public void Failed(string name, string error, string? detail = null)
    {
        if (Interlocked.Increment(ref _failuresSeen) <= FailuresKept)
        {
            _failures.Enqueue((name, error, detail));
        }
        Interlocked.Increment(ref _objectsFailed);
        Interlocked.Increment(ref _objectsDone);
    }

    /// <summary>Counts an object whose progress tag was not written, and says why and what it costs.</summary>
    public void ProgressNotRecorded(string key, string reason)
    {
        Interlocked.Increment(ref _progressNotRecorded);
        Warn($"{key}: progress not recorded ({reason}); a re-run sends this object again");
    }

    /// <summary>Records what the listing saw once it is over: the keys listed and those not selected, by reason.</summary>
    public void Listed(long keys, IReadOnlyDictionary<string, long> excluded)
    {
        KeysListed = keys;
        KeysExcluded = excluded;
    }

    /// <summary>Why the endpoint refused the ingestion key (401/403), once it has; null until then.</summary>
    public string? KeyRefused => Volatile.Read(ref _keyRefused);

    /// <summary>Notes that the endpoint refused the ingestion key: every other object would be refused too.</summary>
    public void RefusedKey(string why) => Interlocked.CompareExchange(ref _keyRefused, why, null);

    /// <summary>Keeps a warning for the end of the run.</summary>
    public void Warn(string warning) => _warnings.Enqueue(warning);
}
