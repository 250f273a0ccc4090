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

    /// <summary>True when <paramref name="refused"/> records refused alone are a small minority of all resolved ones.</summary>
    public static bool IsSmallMinority(long refused, long delivered) => refused * MinorityDivisor <= refused + delivered;

    /// <summary>Counts records delivered, from any batch of the object.</summary>
    public void Delivered(int records) => Interlocked.Add(ref _delivered, records);

    /// <summary>Counts one record refused alone; true when splitting should stop now.</summary>
    public bool RefusedAlone()
    {
        var refused = Interlocked.Increment(ref _refused);
        return refused >= EarlyStopRefusals && !IsSmallMinority(refused, Interlocked.Read(ref _delivered));
    }
}
