using System.Text;
using System.Text.Json;
using FlowLogForwarder.Events;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Events;

public class EventDecoderTests
{
    private const string FlowKey = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_ab.log.gz";

    private static DecodedEvent Decode(string json) => EventDecoder.Decode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_direct_S3_event_with_several_records_names_every_object()
    {
        var decoded = Decode(S3Events.ObjectCreated(FlowKey, FlowKey.Replace("fl-1", "fl-2", StringComparison.Ordinal)));
        Assert.Equal(EventSource.S3, decoded.Source);
        var objects = Assert.Single(decoded.Items).Objects;
        Assert.Equal(2, objects.Count);
        Assert.Equal(new ObjectReference(S3Events.Bucket, FlowKey, S3Events.Size, S3Events.ETag, S3Events.VersionId, S3Events.EventTime), objects[0]);
    }

    [Theory]
    [InlineData("flows/my+logs/x.log.gz", "flows/my logs/x.log.gz")]
    [InlineData("flows/a%2Bb/x.log.gz", "flows/a+b/x.log.gz")]
    [InlineData("AWSLogs/aws-account-id%3D123456789012/aws-service%3Dvpcflowlogs/x.log.gz", "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/x.log.gz")]
    [InlineData("caf%C3%A9/x.log.gz", "café/x.log.gz")]
    public void S3_notification_keys_are_URL_decoded(string encoded, string key)
    {
        Assert.Equal(key, Decode(S3Events.ObjectCreated(encoded)).Items[0].Objects[0].Key);
    }

    [Fact]
    public void The_S3_test_event_names_nothing()
    {
        var decoded = Decode("""{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-22T10:00:00.000Z","Bucket":"flow-logs-bucket","RequestId":"R","HostId":"H"}""");
        Assert.Equal(EventSource.S3TestEvent, decoded.Source);
        Assert.Empty(decoded.Items);
    }

    [Fact]
    public void Deletions_in_an_S3_event_are_ignored()
    {
        var json = S3Events.ObjectCreated(FlowKey).Replace("ObjectCreated:Put", "ObjectRemoved:Delete", StringComparison.Ordinal);
        Assert.Empty(Decode(json).Items[0].Objects);
    }

    [Fact]
    public void An_SNS_wrapped_S3_event_is_unwrapped()
    {
        var json = JsonSerializer.Serialize(new
        {
            Records = new[] { new { EventSource = "aws:sns", EventVersion = "1.0", Sns = new { Type = "Notification", MessageId = "m", Message = S3Events.ObjectCreated("my+key/vpcflowlogs/a.log.gz") } } },
        });
        var decoded = Decode(json);
        Assert.Equal(EventSource.Sns, decoded.Source);
        Assert.Equal("my key/vpcflowlogs/a.log.gz", decoded.Items[0].Objects[0].Key);
    }

    [Fact]
    public void SQS_messages_are_separate_work_items_with_raw_and_SNS_enveloped_bodies_and_errors_kept_per_message()
    {
        var snsEnvelope = JsonSerializer.Serialize(new { Type = "Notification", MessageId = "n", TopicArn = "arn:aws:sns:us-east-1:123456789012:t", Message = S3Events.ObjectCreated(FlowKey) });
        var json = JsonSerializer.Serialize(new
        {
            Records = new[]
            {
                new { messageId = "raw-1", eventSource = "aws:sqs", body = S3Events.ObjectCreated(FlowKey) },
                new { messageId = "sns-2", eventSource = "aws:sqs", body = snsEnvelope },
                new { messageId = "bad-3", eventSource = "aws:sqs", body = "not json at all" },
                new { messageId = "test-4", eventSource = "aws:sqs", body = """{"Service":"Amazon S3","Event":"s3:TestEvent"}""" },
            },
        });
        var decoded = Decode(json);
        Assert.Equal(EventSource.Sqs, decoded.Source);
        Assert.Equal(["raw-1", "sns-2", "bad-3", "test-4"], decoded.Items.Select(i => i.MessageId));
        Assert.Equal(FlowKey, decoded.Items[0].Objects.Single().Key);
        Assert.Equal(FlowKey, decoded.Items[1].Objects.Single().Key);
        Assert.Contains("not JSON", decoded.Items[2].Error, StringComparison.Ordinal);
        Assert.Null(decoded.Items[3].Error);
        Assert.Empty(decoded.Items[3].Objects);
    }

    [Fact]
    public void An_EventBridge_Object_Created_event_names_its_object_without_URL_decoding()
    {
        var decoded = Decode("""
            {"version":"0","id":"17793124-05d4-b198-2fde-7ededc63b103","detail-type":"Object Created","source":"aws.s3","account":"111122223333",
             "time":"2026-11-22T10:05:00Z","region":"us-east-1","resources":["arn:aws:s3:::flow-logs-bucket"],
             "detail":{"version":"0","bucket":{"name":"flow-logs-bucket"},"object":{"key":"AWSLogs/vpcflowlogs/a+b%20c.log.gz","size":5,"etag":"e1","version-id":"v9","sequencer":"00"},
             "request-id":"R","requester":"111122223333","reason":"PutObject"}}
            """);
        Assert.Equal(EventSource.EventBridge, decoded.Source);
        Assert.Equal(new ObjectReference("flow-logs-bucket", "AWSLogs/vpcflowlogs/a+b%20c.log.gz", 5, "e1", "v9",
            new DateTimeOffset(2026, 11, 22, 10, 5, 0, TimeSpan.Zero)), decoded.Items[0].Objects[0]);
    }

    [Theory]
    [InlineData("this is not json", "the event is not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{}", "no Records array")]
    [InlineData("""{"Records":[{"eventSource":"aws:kinesis"}]}""", "'aws:kinesis'")]
    [InlineData("""{"detail-type":"Object Deleted","detail":{}}""", "not an S3 Object Created event")]
    [InlineData("""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{}}]}""", "no s3.bucket")]
    public void Events_of_other_shapes_fail_with_a_specific_message(string json, string message)
    {
        var error = Assert.Throws<InvalidEventException>(() => Decode(json));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Lambda_destination_record_from_the_failure_queue_yields_its_original_event()
    {
        var record = """{"version":"1.0","timestamp":"2026-11-22T10:07:00.000Z","requestContext":{"requestId":"e4b46cbf","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:f","condition":"RetriesExhausted","approximateInvokeCount":3},"requestPayload":"""
            + S3Events.ObjectCreated(FlowKey)
            + ""","responseContext":{"statusCode":200,"functionError":"Unhandled"},"responsePayload":{"errorType":"ForwardingFailed"}}""";
        var decoded = Decode(record);
        Assert.Equal(EventSource.S3, decoded.Source);
        Assert.Equal(FlowKey, decoded.Items.Single().Objects.Single().Key);
    }

    [Fact]
    public void A_bare_SNS_envelope_is_unwrapped()
    {
        var envelope = JsonSerializer.Serialize(new { Type = "Notification", MessageId = "m", Message = S3Events.ObjectCreated(FlowKey) });
        Assert.Equal(FlowKey, Decode(envelope).Items.Single().Objects.Single().Key);
    }
}
