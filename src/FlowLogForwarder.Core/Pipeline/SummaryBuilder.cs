using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Pipeline;

/// <summary>Mutable tallies for one object, frozen into a <see cref="ForwardingSummary"/> at the end.</summary>
internal sealed class SummaryBuilder(int maxSamples, long resumeAfterLine = 0)
{
    private readonly Dictionary<LineFault, long> _skipped = [];
    private readonly List<SkippedLine> _samples = [];
    private readonly List<RejectedRecord> _rejectedSamples = [];
    private readonly List<RefusedRequest> _refusedSamples = [];

    public long Lines { get; set; }
    public long RecordsRead { get; set; }
    public long BlankLines { get; set; }
    public long RecordsForwarded { get; private set; }
    public long RecordsRejected { get; private set; }
    public long RecordsFailed { get; private set; }
    public int Batches { get; set; }
    public int BatchesFailed { get; private set; }
    public int Retries { get; private set; }
    public int RequestsRefused { get; private set; }
    public int SplitRequests { get; private set; }
    public long BytesOut { get; private set; }
    public long AcknowledgedThroughLine { get; private set; } = resumeAfterLine;
    public long ResumedAfterLine { get; } = resumeAfterLine;
    public long LinesAlreadyDelivered { get; set; }
    public DeliveryResult? StoppingResult { get; private set; }

    private bool _gapInAcknowledged;

    public void Skip(long line, LineFault reason, string? field)
    {
        _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;
        if (_samples.Count < maxSamples)
        {
            _samples.Add(new SkippedLine(line, reason, field));
        }
    }

    /// <summary>Counts records that were read but never sent, because delivery stopped first.</summary>
    public void NotSent(int records) => RecordsFailed += records;

    /// <summary>Records a batch's outcome; batches are completed in sequence order.</summary>
    public void Completed(SigNozBatch batch, BatchOutcome outcome)
    {
        Retries += outcome.Retries;
        SplitRequests += outcome.SplitRequests;
        RequestsRefused += outcome.RefusedRequests.Count;
        AddSamples(_refusedSamples, outcome.RefusedRequests);
        AddSamples(_rejectedSamples, outcome.Rejected);
        RecordsForwarded += outcome.RecordsDelivered;
        BytesOut += outcome.BytesDelivered;
        RecordsRejected += outcome.RecordsRejected;
        RecordsFailed += outcome.RecordsNotDelivered;
        if (outcome.RecordsDelivered < batch.RecordCount)
        {
            BatchesFailed++;
        }
        if (outcome.Stop is { } stop)
        {
            StoppingResult ??= stop;
            if (!_gapInAcknowledged && outcome.AcknowledgedRecords > 0)
            {
                AcknowledgedThroughLine = Math.Max(AcknowledgedThroughLine, batch.LineOf(outcome.AcknowledgedRecords - 1));
            }
            _gapInAcknowledged = true;
        }
        else if (!_gapInAcknowledged)
        {
            AcknowledgedThroughLine = Math.Max(AcknowledgedThroughLine, batch.LastLine);
        }
    }

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

    public ForwardingSummary Build(string objectName, ObjectOutcome outcome, string? error, long bytesIn, long bytesDecompressed, TimeSpan duration) => new()
    {
        ObjectKey = objectName,
        Outcome = outcome,
        Error = error,
        Lines = Lines,
        RecordsRead = RecordsRead,
        RecordsForwarded = RecordsForwarded,
        RecordsRejected = RecordsRejected,
        RecordsFailed = RecordsFailed,
        RecordsSkipped = _skipped.Values.Sum(),
        SkippedByReason = new Dictionary<LineFault, long>(_skipped),
        SkippedSamples = [.. _samples],
        BlankLines = BlankLines,
        Batches = Batches,
        BatchesFailed = BatchesFailed,
        Retries = Retries,
        RequestsRefused = RequestsRefused,
        SplitRequests = SplitRequests,
        RefusedRequests = [.. _refusedSamples],
        RejectedRecords = [.. _rejectedSamples],
        AcknowledgedThroughLine = AcknowledgedThroughLine,
        ResumedAfterLine = ResumedAfterLine,
        LinesAlreadyDelivered = LinesAlreadyDelivered,
        BytesIn = bytesIn,
        BytesDecompressed = bytesDecompressed,
        BytesOut = BytesOut,
        Duration = duration,
    };
}
