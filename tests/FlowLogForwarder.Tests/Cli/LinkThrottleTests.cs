using FlowLogForwarder.Cli;
using Microsoft.Extensions.Time.Testing;

namespace FlowLogForwarder.Tests.Cli;

public class LinkThrottleTests
{
    // A reader that reads one burst at a time and waits as told, on a clock the test drives.
    private static TimeSpan Carry(LinkThrottle link, FakeTimeProvider time, long bytes)
    {
        var started = time.GetUtcNow();
        for (var left = bytes; left > 0; left -= LinkThrottle.BurstBytes)
        {
            time.Advance(link.Account((int)Math.Min(left, LinkThrottle.BurstBytes)));
        }
        return time.GetUtcNow() - started;
    }

    [Theory]
    [InlineData(500, 100_000_000)]
    [InlineData(100, 10_000_000)]
    [InlineData(2_000, 50_000_000)]
    public void A_known_number_of_bytes_takes_its_time_at_the_set_rate(double mbps, long bytes)
    {
        var time = new FakeTimeProvider();
        var link = new LinkThrottle(mbps, time);
        var elapsed = Carry(link, time, bytes);
        // The first burst passes at once (a full bucket); everything after it at the rate.
        var expected = TimeSpan.FromSeconds((bytes - LinkThrottle.BurstBytes) * 8 / (mbps * 1e6));
        Assert.InRange(elapsed.TotalSeconds, expected.TotalSeconds * 0.999, expected.TotalSeconds * 1.001);
    }

    [Fact]
    public void An_idle_link_saves_up_no_more_than_one_burst()
    {
        var time = new FakeTimeProvider();
        var link = new LinkThrottle(100, time);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.Zero, link.Account(LinkThrottle.BurstBytes));
        var second = link.Account(LinkThrottle.BurstBytes);
        Assert.InRange(second.TotalMilliseconds, 5.2, 5.3); // 65,536 bytes at 100 Mbit/s: 5.24 ms
    }

    [Fact]
    public void Connections_share_the_one_link()
    {
        var time = new FakeTimeProvider();
        var link = new LinkThrottle(80, time);
        link.Account(LinkThrottle.BurstBytes); // the full bucket
        var first = link.Account(10_000);
        var second = link.Account(10_000); // another connection, same instant: queued behind the first
        Assert.Equal(TimeSpan.FromMilliseconds(1), first);
        Assert.Equal(TimeSpan.FromMilliseconds(2), second);
    }

    [Fact]
    public async Task WaitAsync_completes_only_when_the_clock_reaches_the_link_time()
    {
        var time = new FakeTimeProvider();
        var link = new LinkThrottle(8, time); // 1 byte per microsecond
        await link.WaitAsync(LinkThrottle.BurstBytes, CancellationToken.None);
        var wait = link.WaitAsync(1_000, CancellationToken.None);
        time.Advance(TimeSpan.FromMicroseconds(999));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMicroseconds(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
