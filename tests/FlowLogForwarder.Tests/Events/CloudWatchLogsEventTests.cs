using System.IO.Compression;
using System.Text;
using FlowLogForwarder.Events;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Events;

/// <summary>CloudWatch Logs subscription deliveries: the Lambda event's base64 gzip, and the payload's two message types.</summary>
public class CloudWatchLogsEventTests
{
    private static DecodedEvent Decode(string json) => EventDecoder.Decode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_data_message_keeps_its_log_group_stream_owner_and_each_event_in_order()
    {
        var decoded = Decode(CloudWatchLogsEvents.LambdaEvent(CloudWatchLogsEvents.DataPayload([FlowLogGenerator.Line(0), "second \"quoted\" é"])));

        Assert.Equal(EventSource.CloudWatchLogs, decoded.Source);
        Assert.Empty(decoded.Items);
        var logs = Assert.IsType<CloudWatchLogsData>(decoded.Logs);
        Assert.False(logs.IsControl);
        Assert.Equal(CloudWatchLogsEvents.LogGroup, logs.LogGroup);
        Assert.Equal(CloudWatchLogsEvents.LogStream, logs.LogStream);
        Assert.Equal(CloudWatchLogsEvents.Owner, logs.Owner);
        Assert.Equal([FlowLogGenerator.Line(0), "second \"quoted\" é"], logs.LogEvents.Select(e => e.Message));
        Assert.Equal(["event-1", "event-2"], logs.LogEvents.Select(e => e.Id));
        Assert.Equal(1763805960001, logs.LogEvents[1].Timestamp);
    }

    [Fact]
    public void A_control_message_carries_no_events()
    {
        var logs = Decode(CloudWatchLogsEvents.LambdaEvent(CloudWatchLogsEvents.ControlPayload())).Logs!;
        Assert.True(logs.IsControl);
        Assert.Empty(logs.LogEvents);
    }

    [Fact]
    public void A_delivery_replayed_from_the_failure_queue_decodes_as_the_original()
    {
        var original = CloudWatchLogsEvents.LambdaEvent(CloudWatchLogsEvents.DataPayload(["a b c"]));
        var destination = $$"""{"version":"1.0","requestContext":{"condition":"RetriesExhausted"},"requestPayload":{{original}}}""";
        Assert.Equal("a b c", Assert.Single(Decode(destination).Logs!.LogEvents).Message);
    }

    [Theory]
    [InlineData("""{"awslogs":{}}""", "no awslogs.data string")]
    [InlineData("""{"awslogs":{"data":"not base64!"}}""", "is not base64")]
    [InlineData("""{"awslogs":{"data":"aGVsbG8="}}""", "is not gzip")]
    public void A_broken_envelope_is_an_invalid_event_saying_why(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<InvalidEventException>(() => Decode(json)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"messageType":"SOMETHING"}""", "messageType is 'SOMETHING'")]
    [InlineData("""{"messageType":"DATA_MESSAGE","logGroup":"g","logEvents":[]}""", "no logGroup or logStream")]
    [InlineData("""{"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s"}""", "no logEvents array")]
    [InlineData("""{"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[{"id":"1"}]}""", "log event 1 has no message")]
    [InlineData("""[1,2""", "not JSON")]
    public void A_payload_of_no_known_shape_is_an_invalid_event(string payload, string expected) =>
        Assert.Contains(expected, Assert.Throws<InvalidEventException>(() => Decode(CloudWatchLogsEvents.LambdaEvent(payload))).Message, StringComparison.Ordinal);

    [Fact]
    public void A_payload_that_decompresses_past_the_bound_is_refused_not_buffered()
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(new byte[CloudWatchLogsData.MaxPayloadBytes + 1]);
        }
        var json = $$$"""{"awslogs":{"data":"{{{Convert.ToBase64String(compressed.ToArray())}}}"}}""";
        Assert.Contains("decompresses to more than", Assert.Throws<InvalidEventException>(() => Decode(json)).Message, StringComparison.Ordinal);
    }
}
