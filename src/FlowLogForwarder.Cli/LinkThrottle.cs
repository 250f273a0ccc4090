namespace FlowLogForwarder.Cli;

/// <summary>
/// A token bucket on the bench receiver's socket reads, modelling a network path of a fixed bit rate (a Lambda's is
/// hundreds of Mbit/s): every byte read takes its share of the link's time, and a reader waits until the link has
/// carried it. The bucket holds at most <see cref="BurstBytes"/>, so an idle link cannot save up a burst.
/// </summary>
internal sealed class LinkThrottle
{
    /// <summary>Largest read a throttled receiver makes, and the most an idle link lets through at once.</summary>
    public const int BurstBytes = 64 * 1024;

    private readonly TimeProvider _time;
    private readonly double _ticksPerByte;
    private readonly long _burstTicks;
    private readonly Lock _gate = new();
    private long _linkFreeAt;

    /// <summary>A link of <paramref name="megabitsPerSecond"/> (10^6 bit/s) shared by every connection that uses it.</summary>
    public LinkThrottle(double megabitsPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(megabitsPerSecond);
        _time = time;
        _ticksPerByte = 8.0 * time.TimestampFrequency / (megabitsPerSecond * 1_000_000);
        _burstTicks = (long)(BurstBytes * _ticksPerByte);
        _linkFreeAt = time.GetTimestamp() - _burstTicks;
    }

    /// <summary>Accounts for <paramref name="bytes"/> just read; returns how long to wait before reading more.</summary>
    public TimeSpan Account(int bytes)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            // The link's clock: when it has carried everything read so far. It never lags "now" by more than one burst.
            _linkFreeAt = Math.Max(_linkFreeAt, now - _burstTicks) + (long)(bytes * _ticksPerByte);
            return _linkFreeAt > now ? _time.GetElapsedTime(now, _linkFreeAt) : TimeSpan.Zero;
        }
    }

    /// <summary>Accounts for <paramref name="bytes"/> just read and waits until the link has carried them.</summary>
    public Task WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        var wait = Account(bytes);
        return wait > TimeSpan.Zero ? Task.Delay(wait, _time, cancellationToken) : Task.CompletedTask;
    }
}
