namespace FlowLogForwarder.Delivery;

/// <summary>A record the endpoint refused when sent alone: final, counted with its line and the server's reason.</summary>
public sealed record RejectedRecord(long Line, int? HttpStatus, string Reason);

/// <summary>A request the endpoint refused (400/413) before it was split: the lines it carried and why.</summary>
public sealed record RefusedRequest(long FirstLine, long LastLine, int Records, int? HttpStatus, string Reason);

/// <summary>
/// What became of one batch, however many requests it took. Records are resolved left to right, so the records
/// before <see cref="AcknowledgedRecords"/> were each delivered or rejected alone, and none after it was rejected.
/// </summary>
public sealed class BatchOutcome(int recordCount)
{
    private readonly List<(int Index, RejectedRecord Record)> _rejected = [];
    private readonly List<RefusedRequest> _refused = [];
    private readonly List<RejectedRecord> _rejectedOnArrival = [];
    private int _rejectedOnArrivalCount;

    /// <summary>A batch none of whose records was delivered, stopped for <paramref name="reason"/>.</summary>
    public static BatchOutcome NotDelivered(int recordCount, DeliveryResult reason)
    {
        var outcome = new BatchOutcome(recordCount);
        outcome.StopAt(0, reason);
        return outcome;
    }

    /// <summary>Records in the batch.</summary>
    public int RecordCount { get; } = recordCount;

    /// <summary>Records the endpoint answered 2xx for.</summary>
    public int RecordsDelivered { get; private set; }

    /// <summary>JSON bytes of the requests answered 2xx.</summary>
    public long BytesDelivered { get; private set; }

    /// <summary>Bytes on the wire (compressed when compression is on) of the requests answered 2xx.</summary>
    public long WireBytesDelivered { get; private set; }

    /// <summary>Records refused alone, in order, then one entry per delivered request whose records the endpoint
    /// partly rejected (OTLP <c>partial_success</c>, which names no records: the entry gives the request's first line).</summary>
    public IEnumerable<RejectedRecord> Rejected => _rejected.Select(r => r.Record).Concat(_rejectedOnArrival);

    /// <summary>Records rejected: refused alone, or rejected by the endpoint in a delivered request.</summary>
    public int RecordsRejected => _rejected.Count + _rejectedOnArrivalCount;

    /// <summary>Records refused alone (those the <see cref="RefusalGuard"/> weighs).</summary>
    public int RecordsRefusedAlone => _rejected.Count;

    /// <summary>Requests that were refused and split, in order.</summary>
    public IReadOnlyList<RefusedRequest> RefusedRequests => _refused;

    /// <summary>Leading records resolved (delivered or rejected); the rest were not delivered when delivery stopped.</summary>
    public int AcknowledgedRecords { get; private set; }

    /// <summary>Why delivery stopped, or null when every record was resolved.</summary>
    public DeliveryResult? Stop { get; private set; }

    /// <summary>Requests made for this batch, retries not counted.</summary>
    public int Requests { get; private set; }

    /// <summary>Requests made beyond the first because a refused request was split.</summary>
    public int SplitRequests => Math.Max(0, Requests - 1);

    /// <summary>HTTP retries over every request of the batch.</summary>
    public int Retries { get; private set; }

    /// <summary>Records neither delivered nor rejected: they will be sent again when the object is retried.</summary>
    public int RecordsNotDelivered => RecordCount - RecordsDelivered - RecordsRejected;

    /// <summary>The last refusal of a record sent alone, as the answer it was; null when none was refused.</summary>
    public DeliveryResult? LastRejection => _rejected.Count == 0 ? null
        : new DeliveryResult(DeliveryStatus.Refused, 1, _rejected[^1].Record.HttpStatus, _rejected[^1].Record.Reason);

    internal void Answered(DeliveryResult result)
    {
        Requests++;
        Retries += result.Retries;
    }

    internal void Delivered(int first, int count, long bytes, long wireBytes)
    {
        RecordsDelivered += count;
        BytesDelivered += bytes;
        WireBytesDelivered += wireBytes;
        AcknowledgedRecords = first + count;
    }

    internal void Refused(RefusedRequest request) => _refused.Add(request);

    // Of the records just delivered, the endpoint rejected `count` after all: final, and still acknowledged.
    internal void RejectedOnArrival(int count, RejectedRecord description)
    {
        RecordsDelivered -= count;
        _rejectedOnArrivalCount += count;
        _rejectedOnArrival.Add(description);
    }

    internal void Reject(int index, RejectedRecord record)
    {
        _rejected.Add((index, record));
        AcknowledgedRecords = index + 1;
    }

    internal void StopAt(int index, DeliveryResult result)
    {
        Stop = result;
        AcknowledgedRecords = index;
    }

    /// <summary>The endpoint, not the records, is at fault: the records refused alone are not rejected after all but
    /// not delivered, and the batch is acknowledged only up to the first of them.</summary>
    public void RefusedWholesale(DeliveryResult result)
    {
        if (_rejected.Count > 0)
        {
            AcknowledgedRecords = Math.Min(AcknowledgedRecords, _rejected[0].Index);
            _rejected.Clear();
        }
        Stop ??= result;
    }
}
