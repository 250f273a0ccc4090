namespace FlowLogForwarder.Tests.Delivery;

/// <summary>
/// The system clock, except that timers record the delay they were asked for and fire at once, so retry
/// backoff is observable without waiting. Timers of <see cref="Untouched"/> (the attempt timeout) run as asked.
/// </summary>
internal sealed class RecordingTimeProvider(TimeSpan untouched) : TimeProvider
{
    private readonly List<TimeSpan> _delays = [];

    public TimeSpan Untouched { get; } = untouched;

    public IReadOnlyList<TimeSpan> Delays { get { lock (_delays) { return [.. _delays]; } } }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Untouched || dueTime == Timeout.InfiniteTimeSpan)
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }
        lock (_delays)
        {
            _delays.Add(dueTime);
        }
        return System.CreateTimer(callback, state, TimeSpan.Zero, period);
    }
}
