using Amazon.SQS;
using Amazon.SQS.Model;
using FlowLogForwarder.Cli.Backfill;
using Moq;

namespace FlowLogForwarder.Tests.Cli;

/// <summary><c>--wait</c>'s drain watch over an SQS double (Moq): drained only after empty readings spanning the quiet span.</summary>
public class QueueDrainWatchTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    // The double stamps each reading just before the watch reads its own clock, so under load the two can disagree by
    // a scheduling delay; far below the span, and far above the 20 ms between two quick readings.
    private static readonly TimeSpan AtLeastQuiet = Quiet - TimeSpan.FromMilliseconds(100);

    private static (Mock<IAmazonSQS> Sqs, List<long> ReadAt) Queue(params (int Waiting, int InFlight, int Delayed)[] readings)
    {
        var sqs = new Mock<IAmazonSQS>(MockBehavior.Strict);
        var readAt = new List<long>();
        sqs.Setup(s => s.GetQueueAttributesAsync(It.IsAny<GetQueueAttributesRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((GetQueueAttributesRequest r, CancellationToken _) =>
            {
                Assert.Contains("ApproximateNumberOfMessagesDelayed", r.AttributeNames);
                var (waiting, inFlight, delayed) = readings[Math.Min(readAt.Count, readings.Length - 1)];
                readAt.Add(TimeProvider.System.GetTimestamp());
                return new GetQueueAttributesResponse
                {
                    Attributes = new Dictionary<string, string>
                    {
                        ["ApproximateNumberOfMessages"] = $"{waiting}",
                        ["ApproximateNumberOfMessagesNotVisible"] = $"{inFlight}",
                        ["ApproximateNumberOfMessagesDelayed"] = $"{delayed}",
                    },
                };
            });
        return (sqs, readAt);
    }

    [Fact]
    public async Task Two_quick_empty_readings_are_not_a_drained_queue_the_quiet_span_is()
    {
        var (sqs, readAt) = Queue((0, 0, 0));
        var watch = new QueueDrainWatch(sqs.Object, "q", TimeProvider.System, TimeSpan.FromMilliseconds(20), Quiet);

        Assert.True(await watch.WaitAsync(TimeSpan.FromSeconds(30), _ => { }, CancellationToken.None));

        Assert.True(TimeProvider.System.GetElapsedTime(readAt[0], readAt[^1]) >= AtLeastQuiet);
        Assert.True(readAt.Count > 2);
    }

    [Fact]
    public async Task Delayed_messages_keep_the_queue_from_counting_as_drained()
    {
        var (sqs, readAt) = Queue((0, 0, 5), (0, 0, 5), (0, 0, 5), (0, 0, 0));
        var depths = new List<QueueDepth>();
        var watch = new QueueDrainWatch(sqs.Object, "q", TimeProvider.System, TimeSpan.FromMilliseconds(20), Quiet);

        Assert.True(await watch.WaitAsync(TimeSpan.FromSeconds(30), depths.Add, CancellationToken.None));

        Assert.Equal(new QueueDepth(0, 0, 5), depths[0]);
        Assert.True(TimeProvider.System.GetElapsedTime(readAt[3], readAt[^1]) >= AtLeastQuiet); // the quiet span starts at the first truly empty reading
    }

    [Fact]
    public async Task A_queue_that_never_stays_empty_for_the_span_is_not_drained_within_the_limit()
    {
        var (sqs, _) = Queue((0, 0, 0), (1, 0, 0), (0, 0, 0), (0, 1, 0), (0, 0, 0), (1, 0, 0), (0, 0, 0), (0, 0, 1), (0, 0, 0), (0, 1, 0), (0, 0, 0), (1, 0, 0));
        var watch = new QueueDrainWatch(sqs.Object, "q", TimeProvider.System, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5));

        Assert.False(await watch.WaitAsync(TimeSpan.FromMilliseconds(200), _ => { }, CancellationToken.None));
    }
}
