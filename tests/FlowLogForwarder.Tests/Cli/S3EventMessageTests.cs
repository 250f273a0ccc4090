using System.Text.Json;
using FlowLogForwarder.Cli.Backfill;
using FlowLogForwarder.Events;

namespace FlowLogForwarder.Tests.Cli;

/// <summary>The messages <c>backfill --via-queue</c> enqueues decode, through the function's own decoder, to the objects listed.</summary>
public class S3EventMessageTests
{
    // An SQS trigger event around message bodies, as Lambda's event source mapping delivers it.
    private static string SqsEvent(params string[] bodies) => JsonSerializer.Serialize(new
    {
        Records = bodies.Select((body, i) => new
        {
            messageId = $"m{i}",
            receiptHandle = "r",
            body,
            attributes = new { ApproximateReceiveCount = "1" },
            eventSource = "aws:sqs",
            eventSourceARN = "arn:aws:sqs:us-east-1:123456789012:IngestQueue",
            awsRegion = "us-east-1",
        }),
    });

    [Theory]
    [InlineData("AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_ab.log.gz")]
    [InlineData("vpc/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=22/hour=10/x.log.gz")]
    [InlineData("odd keys/with spaces+plus/ünïcödé %41 & ?/vpcflowlogs/x.log.gz")]
    public void Each_message_decodes_to_the_listed_object(string key)
    {
        var listed = new ObjectReference("flow-logs", key, 12_345, "0123456789abcdef0123456789abcdef-2", null, null);
        var now = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

        var decoded = EventDecoder.Decode(System.Text.Encoding.UTF8.GetBytes(SqsEvent(S3EventMessage.For(listed, "us-east-1", now))));

        Assert.Equal(EventSource.Sqs, decoded.Source);
        var item = Assert.Single(decoded.Items);
        Assert.Null(item.Error);
        Assert.Equal(listed with { EventTime = now }, Assert.Single(item.Objects));
    }

    [Fact]
    public void A_message_without_size_or_etag_leaves_them_out()
    {
        var listed = new ObjectReference("flow-logs", "a/vpcflowlogs/x.log.gz", null, null, null, null);
        var body = S3EventMessage.For(listed, region: null, DateTimeOffset.UnixEpoch);
        using var document = JsonDocument.Parse(body);
        var obj = document.RootElement.GetProperty("Records")[0].GetProperty("s3").GetProperty("object");
        Assert.False(obj.TryGetProperty("size", out _));
        Assert.False(obj.TryGetProperty("eTag", out _));
        Assert.False(document.RootElement.GetProperty("Records")[0].TryGetProperty("awsRegion", out _));
    }
}
