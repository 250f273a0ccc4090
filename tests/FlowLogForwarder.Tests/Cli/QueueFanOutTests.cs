using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using FlowLogForwarder.Cli.Backfill;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Events;
using FlowLogForwarder.Storage;
using Moq;

namespace FlowLogForwarder.Tests.Cli;

/// <summary><c>backfill --via-queue</c> over an SQS double (Moq): a failing batch, refused entries, and objects already delivered.</summary>
public class QueueFanOutTests
{
    private const string QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/ingest";
    private const string TagKey = "flowlog-forwarder-progress-aaaaaaaa";

    private static string Key(int i) =>
        $"AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_{i:x8}.log.gz";

    private static async IAsyncEnumerable<ObjectReference> Listing(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new ObjectReference("b", Key(i), 100, "etag" + i, null, null);
        }
    }

    /// <summary>An SQS that accepts every entry, except as <paramref name="answer"/> says for the n-th call (1-based).</summary>
    private static Mock<IAmazonSQS> Sqs(List<SendMessageBatchRequest> calls, Func<int, SendMessageBatchRequest, SendMessageBatchResponse?>? answer = null)
    {
        var sqs = new Mock<IAmazonSQS>(MockBehavior.Strict);
        sqs.Setup(s => s.SendMessageBatchAsync(It.IsAny<SendMessageBatchRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((SendMessageBatchRequest r, CancellationToken _) =>
            {
                calls.Add(r);
                return answer?.Invoke(calls.Count, r) ?? new SendMessageBatchResponse
                {
                    Successful = [.. r.Entries.Select(e => new SendMessageBatchResultEntry { Id = e.Id, MessageId = "m" + e.Id })],
                    Failed = [],
                };
            });
        return sqs;
    }

    [Fact]
    public async Task A_batch_sqs_fails_whole_fails_its_objects_and_the_run_goes_on()
    {
        var calls = new List<SendMessageBatchRequest>();
        var sqs = Sqs(calls, (n, _) => n == 2
            ? throw new AmazonSQSException("Rate exceeded", ErrorType.Sender, "ThrottlingException", "req-1", HttpStatusCode.BadRequest)
            : null);
        var stats = new RunStats(TimeProvider.System);
        var fanOut = new QueueFanOut(sqs.Object, QueueUrl, stats, TimeProvider.System);

        Assert.True(await fanOut.RunAsync(Listing(25), CancellationToken.None));

        Assert.Equal(3, calls.Count); // 10, 10 (thrown), 5
        Assert.Equal(15, fanOut.MessagesSent);
        Assert.Equal(10, stats.ObjectsFailed);
        Assert.Equal(25, stats.ObjectsDone);
        Assert.Equal(Enumerable.Range(10, 10).Select(Key), stats.Failures.Select(f => f.Name));
        Assert.All(stats.Failures, f => Assert.Equal("SQS failed the batch: ThrottlingException: Rate exceeded", f.Error));
    }

    [Fact]
    public async Task Entries_refused_for_sqs_own_fault_are_sent_again_and_those_refused_for_the_sender_fail()
    {
        var calls = new List<SendMessageBatchRequest>();
        var sqs = Sqs(calls, (n, r) => n == 1
            ? new SendMessageBatchResponse
            {
                Successful = [.. r.Entries.Where(e => e.Id is not ("3" or "7")).Select(e => new SendMessageBatchResultEntry { Id = e.Id, MessageId = "m" })],
                Failed =
                [
                    new BatchResultErrorEntry { Id = "3", SenderFault = false, Code = "InternalError", Message = "try again" },
                    new BatchResultErrorEntry { Id = "7", SenderFault = true, Code = "InvalidParameterValue", Message = "too big" },
                ],
            }
            : null);
        var stats = new RunStats(TimeProvider.System);
        var fanOut = new QueueFanOut(sqs.Object, QueueUrl, stats, TimeProvider.System);

        Assert.True(await fanOut.RunAsync(Listing(10), CancellationToken.None));

        Assert.Equal(2, calls.Count);
        var retried = Assert.Single(calls[1].Entries);
        Assert.Equal("3", retried.Id);
        Assert.Contains(Key(3), retried.MessageBody, StringComparison.Ordinal);
        Assert.Equal(9, fanOut.MessagesSent);
        var failure = Assert.Single(stats.Failures);
        Assert.Equal(Key(7), failure.Name);
        Assert.Equal("SQS refused the message: InvalidParameterValue: too big", failure.Error);
    }

    [Fact]
    public async Task Objects_whose_tag_says_delivered_are_not_enqueued_when_the_tag_key_is_known()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        // Objects 0-4 are done for this destination; 5 is done for an older version (another eTag); 6 is partly delivered;
        // 7 is done for another destination; the rest carry no tag.
        s3.Setup(s => s.GetObjectTaggingAsync(It.IsAny<GetObjectTaggingRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((GetObjectTaggingRequest r, CancellationToken _) =>
            {
                var i = Enumerable.Range(0, 12).Single(n => Key(n) == r.Key);
                List<Tag> tags = i switch
                {
                    < 5 => [new Tag { Key = TagKey, Value = $"etag{i}/done" }],
                    5 => [new Tag { Key = TagKey, Value = "older/done" }],
                    6 => [new Tag { Key = TagKey, Value = "etag6/40" }],
                    7 => [new Tag { Key = "flowlog-forwarder-progress-bbbbbbbb", Value = "etag7/done" }],
                    _ => [],
                };
                return new GetObjectTaggingResponse { Tagging = tags };
            });
        var calls = new List<SendMessageBatchRequest>();
        var stats = new RunStats(TimeProvider.System);
        var fanOut = new QueueFanOut(Sqs(calls).Object, QueueUrl, stats, TimeProvider.System, new S3ProgressTags(s3.Object, TagKey));

        Assert.True(await fanOut.RunAsync(Listing(12), CancellationToken.None));

        Assert.Equal(5, fanOut.AlreadyDelivered);
        Assert.Equal(5, stats.ObjectsSkipped);
        Assert.Equal(7, fanOut.MessagesSent);
        Assert.Equal(12, stats.ObjectsDone);
        var enqueued = calls.SelectMany(c => c.Entries).Select(e => e.MessageBody).ToList();
        Assert.Equal(7, enqueued.Count);
        foreach (var i in Enumerable.Range(5, 7))
        {
            Assert.Single(enqueued, body => body.Contains(Key(i), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Tags_that_cannot_be_read_enqueue_everything_with_one_warning()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(s => s.GetObjectTaggingAsync(It.IsAny<GetObjectTaggingRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("Access Denied", ErrorType.Sender, "AccessDenied", "req-1", HttpStatusCode.Forbidden));
        var calls = new List<SendMessageBatchRequest>();
        var stats = new RunStats(TimeProvider.System);
        var fanOut = new QueueFanOut(Sqs(calls).Object, QueueUrl, stats, TimeProvider.System, new S3ProgressTags(s3.Object, TagKey));

        Assert.True(await fanOut.RunAsync(Listing(12), CancellationToken.None));

        Assert.Equal(12, fanOut.MessagesSent);
        Assert.Contains("s3:GetObjectTagging", Assert.Single(stats.Warnings), StringComparison.Ordinal);
    }
}
