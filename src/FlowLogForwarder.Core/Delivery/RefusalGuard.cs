namespace FlowLogForwarder.Delivery;

/// <summary>
/// Tells a few bad records from an endpoint that refuses everything (a wrong path, a proxy answering 400 to any POST).
/// A record refused alone counts as rejected only while such records stay a small minority of the object's records:
/// at most one in <see cref="MinorityDivisor"/>. One guard per object, shared by its batches in flight.
/// </summary>
public sealed class RefusalGuard
{
    /// <summary>Refused records may be at most 1/this of the records resolved (delivered or refused).</summary>
    public const int MinorityDivisor = 10;

    /// <summary>Records refused alone, with none or too few delivered, after which splitting stops at once instead
    /// of refusing a whole batch record by record (the first several singles of an object all refused).</summary>
    public const int EarlyStopRefusals = 8;

    private long _refused;
    private long _delivered;
    private long _confirmedRefused;
    private long _confirmedDelivered;

    /// <summary>True when <paramref name="refused"/> records refused alone are a small minority of all resolved ones. A
    /// single refusal in an object whose other records the endpoint accepted is one too, however small the object:
    /// the endpoint has shown that it takes this object's records, so it is this record it refuses.</summary>
    public static bool IsSmallMinority(long refused, long delivered) =>
        refused * MinorityDivisor <= refused + delivered || (refused == 1 && delivered > 0);

    /// <summary>
    /// Called for each batch of the object in order, once it is done: its rejections become final only while the
    /// object's rejections so far stay a small minority; otherwise the endpoint, not the records, is at fault and the
    /// batch stops the object instead.
    /// </summary>
    public void Confirm(BatchOutcome outcome)
    {
        if (outcome.LastRejection is { } last
            && !IsSmallMinority(_confirmedRefused + outcome.RecordsRefusedAlone, _confirmedDelivered + outcome.RecordsDelivered))
        {
            outcome.RefusedWholesale(BatchDeliverer.Wholesale(last));
        }
        _confirmedRefused += outcome.RecordsRefusedAlone;
        _confirmedDelivered += outcome.RecordsDelivered;
    }

    /// <summary>Counts records delivered, from any batch of the object.</summary>
    public void Delivered(int records) => Interlocked.Add(ref _delivered, records);

    /// <summary>Counts one record refused alone; true when splitting should stop now.</summary>
    public bool RefusedAlone()
    {
        var refused = Interlocked.Increment(ref _refused);
        return refused >= EarlyStopRefusals && !IsSmallMinority(refused, Interlocked.Read(ref _delivered));
    }
}
