using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Pipeline;

/// <summary>
/// The counts of one object, written as it goes and read once, at the end, into a <see cref="ForwardingSummary"/>.
/// Nothing steers the pipeline from here: control lives in <see cref="PipelineCursor"/>.
/// </summary>
internal sealed class ForwardingTally(int maxSamples)
{
    private readonly Dictionary<LineFault, long> _skipped = [];
    private readonly List<SkippedLine> _skippedSamples = [];
    private readonly List<RejectedRecord> _rejectedSamples = [];
    private readonly List<RefusedRequest> _refusedSamples = [];
    private long _lines;
    private long _recordsRead;
    private long _blankLines;
    private long _linesAlreadyDelivered;
    private long _forwarded;
    private long _rejected;
    private long _failed;
    private int _batches;
    private int _batchesFailed;
    private int _retries;
    private int _requestsRefused;
    private int _splitRequests;
    private long _bytesOut;
    private long _bytesJson;

    /// <summary>A line was read (its number is the highest so far).</summary>
    public void Line(long number) => _lines = Math.Max(_lines, number);

    /// <summary>A blank line, ignored.</summary>
    public void Blank() => _blankLines++;

    /// <summary>A line an earlier attempt delivered, not sent again.</summary>
    public void AlreadyDelivered() => _linesAlreadyDelivered++;

    /// <summary>A record parsed, mapped and queued for delivery.</summary>
    public void Record() => _recordsRead++;

    /// <summary>A line that is not a record, with why.</summary>
    public void Skip(long line, LineFault reason, string? field)
    {
        _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;
        if (_skippedSamples.Count < maxSamples)
        {
            _skippedSamples.Add(new SkippedLine(line, reason, field));
        }
    }

    /// <summary>A batch closed.</summary>
    public void Batch() => _batches++;

    /// <summary>Records read but never sent, because delivery stopped first.</summary>
    public void NotSent(int records) => _failed += records;

    /// <summary>What became of a batch.</summary>
    public void Completed(SigNozBatch batch, BatchOutcome outcome)
    {
        _retries += outcome.Retries;
        _splitRequests += outcome.SplitRequests;
        _requestsRefused += outcome.RefusedRequests.Count;
        AddSamples(_refusedSamples, outcome.RefusedRequests);
        AddSamples(_rejectedSamples, outcome.Rejected);
        _forwarded += outcome.RecordsDelivered;
        _bytesOut += outcome.WireBytesDelivered;
        _bytesJson += outcome.BytesDelivered;
        _rejected += outcome.RecordsRejected;
        _failed += outcome.RecordsNotDelivered;
        if (outcome.RecordsDelivered < batch.RecordCount)
        {
            _batchesFailed++;
        }
    }

    /// <summary>The summary, with how the object ended and where the cursor stands.</summary>
    public ForwardingSummary Build(string objectName, ObjectOutcome outcome, string? error, PipelineCursor cursor,
        long bytesIn, long bytesDecompressed, long trailingBytesIgnored, TimeSpan duration) => new()
    {
        ObjectKey = objectName,
        Outcome = outcome,
        Error = error,
        Lines = _lines,
        RecordsRead = _recordsRead,
        RecordsForwarded = _forwarded,
        RecordsRejected = _rejected,
        RejectedRecords = [.. _rejectedSamples],
        RecordsFailed = _failed,
        RecordsSkipped = _skipped.Values.Sum(),
        SkippedByReason = new Dictionary<LineFault, long>(_skipped),
        SkippedSamples = [.. _skippedSamples],
        BlankLines = _blankLines,
        Batches = _batches,
        BatchesFailed = _batchesFailed,
        Retries = _retries,
        RequestsRefused = _requestsRefused,
        SplitRequests = _splitRequests,
        RefusedRequests = [.. _refusedSamples],
        AcknowledgedThroughLine = cursor.AcknowledgedThroughLine,
        ResumedAfterLine = cursor.ResumeAfterLine,
        LinesAlreadyDelivered = _linesAlreadyDelivered,
        BytesIn = bytesIn,
        BytesDecompressed = bytesDecompressed,
        TrailingBytesIgnored = trailingBytesIgnored,
        BytesOut = _bytesOut,
        BytesJson = _bytesJson,
        Duration = duration,
    };

    private void AddSamples<T>(List<T> samples, IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            if (samples.Count >= maxSamples)
            {
                return;
            }
            samples.Add(item);
        }
    }
}
