using FlowLogForwarder.TestSupport;
using FlowLogForwarder.Events;

namespace FlowLogForwarder.Tests.Events;

/// <summary>The events in tests/events (for sam local invoke -e) decode as the function will decode them.</summary>
public class SampleEventTests
{
    private static string EventsDir() => RepoPaths.Of("tests", "events");

    [Theory]
    [InlineData("s3-put.json", EventSource.S3, 1)]
    [InlineData("sns.json", EventSource.Sns, 1)]
    [InlineData("sqs.json", EventSource.Sqs, 2)]
    [InlineData("eventbridge.json", EventSource.EventBridge, 1)]
    [InlineData("s3-test-event.json", EventSource.S3TestEvent, 0)]
    public void Each_sample_event_decodes_to_the_flow_log_object(string file, EventSource source, int objects)
    {
        var decoded = EventDecoder.Decode(File.ReadAllBytes(Path.Combine(EventsDir(), file)));
        Assert.Equal(source, decoded.Source);
        var all = decoded.Items.SelectMany(i => i.Objects).ToList();
        Assert.Equal(objects, all.Count);
        Assert.All(all, o => Assert.EndsWith("_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_20261122T1005Z_3f2a1b4c.log.gz", o.Key, StringComparison.Ordinal));
        Assert.All(decoded.Items, i => Assert.Null(i.Error));
    }

    [Fact]
    public void The_CloudWatch_Logs_event_carries_the_bundled_payload_sample()
    {
        var decoded = EventDecoder.Decode(File.ReadAllBytes(Path.Combine(EventsDir(), "cloudwatch-logs.json")));
        Assert.Equal(EventSource.CloudWatchLogs, decoded.Source);
        var sample = CloudWatchLogsData.FromSaved(File.ReadAllBytes(RepoPaths.Of("tests", "samples", "cloudwatch-logs-payload.json")));
        var fromEvent = decoded.Logs!;
        Assert.Equal((sample.MessageType, sample.Owner, sample.LogGroup, sample.LogStream), (fromEvent.MessageType, fromEvent.Owner, fromEvent.LogGroup, fromEvent.LogStream));
        Assert.Equal(sample.LogEvents, fromEvent.LogEvents);
        Assert.Equal(4, sample.LogEvents.Count);
        Assert.Equal(sample.LogEvents, CloudWatchLogsData.FromSaved(File.ReadAllBytes(Path.Combine(EventsDir(), "cloudwatch-logs.json"))).LogEvents);
    }
}
