using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary><c>flowlog-forward replay</c> re-drives events from the failure queue (moto's SQS) and from saved files.</summary>
public sealed class ReplayTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private static string Key(string id) =>
        $"AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_{id}_20261122T1005Z_ab.log.gz";

    // What Lambda's on-failure destination puts on the queue: the original event as requestPayload.
    private static string DestinationRecord(string originalEvent) =>
        """{"version":"1.0","timestamp":"2026-11-22T10:07:00.000Z","requestContext":{"requestId":"r","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:f","condition":"RetriesExhausted","approximateInvokeCount":3},"requestPayload":"""
        + originalEvent
        + ""","responseContext":{"statusCode":200,"functionError":"Unhandled"},"responsePayload":{"errorType":"ForwardingFailed"}}""";

    private async Task<string> BucketWithObjectAsync(string id, int records)
    {
        var bucket = "replay-" + Guid.NewGuid().ToString("N")[..10];
        await aws.S3.PutBucketAsync(bucket);
        var file = Path.GetTempFileName();
        FlowLogGenerator.WriteGzip(file, records);
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Key(id), FilePath = file });
        File.Delete(file);
        return bucket;
    }

    private Dictionary<string, string> Env(LoopbackSigNozServer signoz) => aws.CliEnvironment(signoz.Endpoint);

    [Fact]
    public async Task Failure_queue_messages_are_replayed_and_only_handled_ones_deleted()
    {
        var bucket = await BucketWithObjectAsync("fl-replay", 2_000);
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("testing", "testing"),
            new AmazonSQSConfig { ServiceURL = aws.Moto.Endpoint, AuthenticationRegion = "us-east-1" });
        var queueUrl = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "failures-" + Guid.NewGuid().ToString("N")[..8],
            Attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "60" },
        })).QueueUrl;
        await sqs.SendMessageAsync(queueUrl, DestinationRecord(S3Events.ObjectCreatedIn(bucket, Key("fl-replay"))));
        await sqs.SendMessageAsync(queueUrl, DestinationRecord(S3Events.ObjectCreatedIn(bucket, Key("fl-gone"))));
        await using var signoz = await LoopbackSigNozServer.StartAsync();

        var (exit, stdout, stderr) = await CliProcess.RunAsync(["replay", "--queue-url", queueUrl, "--max-messages", "10"], Env(signoz));

        output.WriteLine(stdout + stderr);
        Assert.Equal(1, exit); // one message could not be handled
        Assert.Equal(2_000, signoz.RecordsAccepted);
        Assert.Contains("2 message(s): 1 handled and deleted, 1 failed and left on the queue", stdout, StringComparison.Ordinal);
        var attributes = await sqs.GetQueueAttributesAsync(queueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        Assert.Equal(1, attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible);
    }

    [Fact]
    public async Task A_saved_event_file_is_replayed()
    {
        var bucket = await BucketWithObjectAsync("fl-file", 500);
        var file = Path.Combine(Path.GetTempPath(), $"event-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, S3Events.ObjectCreatedIn(bucket, Key("fl-file")));
        await using var signoz = await LoopbackSigNozServer.StartAsync();
        try
        {
            var (exit, stdout, stderr) = await CliProcess.RunAsync(["replay", "--event-file", file], Env(signoz));
            Assert.True(exit == 0, stdout + stderr);
            Assert.Equal(500, signoz.RecordsAccepted);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
