using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary><c>backfill --via-queue</c>: one S3 event message per object on moto's SQS, which the published function,
/// fed as Lambda's SQS trigger feeds it, forwards record-exact while <c>--wait</c> watches the queue drain.</summary>
public sealed class BackfillQueueTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    // The event Lambda's SQS event source mapping hands the function for received messages.
    private static string SqsEvent(IEnumerable<Message> messages) => JsonSerializer.Serialize(new
    {
        Records = messages.Select(m => new
        {
            messageId = m.MessageId,
            receiptHandle = m.ReceiptHandle,
            body = m.Body,
            attributes = new { ApproximateReceiveCount = "1" },
            messageAttributes = new { },
            md5OfBody = m.MD5OfBody,
            eventSource = "aws:sqs",
            eventSourceARN = "arn:aws:sqs:us-east-1:123456789012:IngestQueue",
            awsRegion = "us-east-1",
        }),
    });

    [Fact]
    public async Task Each_object_becomes_one_message_that_the_function_forwards_while_wait_watches_the_queue_drain()
    {
        var bucket = "fanout-" + Guid.NewGuid().ToString("N")[..10];
        await aws.S3.PutBucketAsync(bucket);
        var puts = await BackfillObjects.PutAsync(aws.S3, bucket, days: [21, 22], perDay: 12, records: 10); // 48 objects, both layouts
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("testing", "testing"),
            new AmazonSQSConfig { ServiceURL = aws.Moto.Endpoint, AuthenticationRegion = "us-east-1" });
        var queueUrl = (await sqs.CreateQueueAsync("ingest-" + Guid.NewGuid().ToString("N")[..8])).QueueUrl;
        await using var signoz = await LoopbackSigNozServer.StartAsync(recordId: BackfillObjects.PacketsId, keepBodies: false);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var function = BootstrapProcess.Start(aws.BootstrapEnvironment(runtime, signoz.Endpoint));

        // The CLI needs no SigNoz endpoint here: the function sends.
        var cli = CliProcess.RunAsync(["backfill", $"s3://{bucket}/", "--via-queue", queueUrl, "--wait", "--wait-minutes", "1", "--json"],
            aws.CliEnvironment(), Timeout);

        // Lambda's part: receive up to 10, invoke the function with them, delete those it did not report as failed.
        var keys = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (keys.Count < puts.Count && clock.Elapsed < Timeout)
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
            if (received.Messages is not { Count: > 0 } messages)
            {
                continue;
            }
            var outcome = await runtime.InvokeAsync(SqsEvent(messages), Timeout);
            Assert.False(outcome.IsError, outcome.Body);
            Assert.Equal(0, JsonDocument.Parse(outcome.Body).RootElement.GetProperty("batchItemFailures").GetArrayLength());
            foreach (var message in messages)
            {
                // Read independently of the function's decoder: one record naming one object, its key URL-encoded.
                var record = Assert.Single(JsonDocument.Parse(message.Body).RootElement.GetProperty("Records").EnumerateArray());
                Assert.Equal("aws:s3", record.GetProperty("eventSource").GetString());
                Assert.Equal(bucket, record.GetProperty("s3").GetProperty("bucket").GetProperty("name").GetString());
                keys.Add(WebUtility.UrlDecode(record.GetProperty("s3").GetProperty("object").GetProperty("key").GetString()!));
                await sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle);
            }
        }

        var (exit, stdout, stderr) = await cli;
        output.WriteLine(stdout + stderr);
        Assert.True(exit == 0, stdout + stderr);
        Assert.Equal(puts.Select(p => p.Key).Order(), keys.Order()); // one message per object, none twice
        Assert.Equal(puts.SelectMany(p => p.Ids).Order(), signoz.AcceptedIds.SelectMany(ids => ids).Order()); // record-exact
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var totals = JsonDocument.Parse(lines.First(l => l.Contains("\"messagesSent\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal(puts.Count, totals.GetProperty("messagesSent").GetInt64());
        Assert.Equal(0, totals.GetProperty("messagesFailed").GetInt64());
        Assert.Equal("""{"queueWaiting":0,"queueInFlight":0}""", lines[^1]); // --wait saw it drain
        Assert.Contains(function.Output.Split('\n'), l => l.Contains("\"message\":\"object completed\"", StringComparison.Ordinal));
    }
}
