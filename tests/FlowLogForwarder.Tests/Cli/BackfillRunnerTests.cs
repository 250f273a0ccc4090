using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Cli.Backfill;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using Moq;

namespace FlowLogForwarder.Tests.Cli;

/// <summary>The backfill's workers over an S3 double (Moq): what the user hears about each object.</summary>
public class BackfillRunnerTests
{
    private const string TagKey = "flowlog-forwarder-progress-aaaaaaaa";

    private static string Key(int i) =>
        $"AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_{i:x8}.log.gz";

    private static ObjectReference Object(int i) => new("b", Key(i), 100, "etag" + i, null, null);

    private static async IAsyncEnumerable<ObjectReference> Listing(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return Object(i);
        }
    }

    /// <summary>An S3 that serves every object as three records (or as <paramref name="text"/>) and has no tags on any.</summary>
    internal static Mock<IAmazonS3> S3(string? text = null)
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((GetObjectRequest r, CancellationToken _) => new GetObjectResponse
            {
                ResponseStream = TestHelpers.Gzip(text ?? $"{FlowLogGenerator.DefaultHeader}\n{FlowLogGenerator.Line(1)}\n{FlowLogGenerator.Line(2)}\n{FlowLogGenerator.Line(3)}\n"),
                ETag = r.EtagToMatch,
            });
        s3.Setup(s => s.GetObjectTaggingAsync(It.IsAny<GetObjectTaggingRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GetObjectTaggingResponse { Tagging = [] });
        return s3;
    }

    private static AmazonS3Exception AccessDenied() => new("Access Denied", ErrorType.Sender, "AccessDenied", "req-1", HttpStatusCode.Forbidden);

    private static (BackfillRunner Runner, RunStats Stats, CollectingSink Sink, StringWriter Log) Runner(IAmazonS3 s3, int concurrency = 2, bool live = true)
    {
        var stats = new RunStats(TimeProvider.System);
        var sink = new CollectingSink();
        var log = new StringWriter();
        var policy = new ForwardingPolicy { ProgressTag = TagKey };
        var jsonLog = new JsonLog(new ForwarderLogTap(log, stats, keepWarnings: live), TimeProvider.System);
        var forwarder = new ObjectForwarder(new FlowLogPipeline(sink, new PipelineOptions(), TimeProvider.System), s3, policy, jsonLog, TimeProvider.System);
        return (new BackfillRunner(() => forwarder, stats, concurrency), stats, sink, log);
    }

    [Fact]
    public async Task A_progress_tag_the_credentials_may_not_write_is_counted_and_warned_not_hidden()
    {
        var s3 = S3();
        s3.Setup(s => s.PutObjectTaggingAsync(It.IsAny<PutObjectTaggingRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(AccessDenied());
        var (runner, stats, sink, log) = Runner(s3.Object);

        Assert.True(await runner.RunAsync(Listing(3), CancellationToken.None, CancellationToken.None));

        Assert.Equal(9, sink.Records().Count); // delivered...
        Assert.Equal(3, stats.ObjectsProgressNotRecorded); // ...but a re-run would send them again, and the user is told
        Assert.Equal(3, stats.Warnings.Count(w => w.Contains("progress not recorded", StringComparison.Ordinal) && w.Contains("Access Denied", StringComparison.Ordinal)));
        Assert.Contains("progress not recorded", log.ToString(), StringComparison.Ordinal); // the JSON log still carries the line
    }

    [Fact]
    public async Task An_object_with_ten_tags_already_is_counted_as_progress_not_recorded()
    {
        var s3 = S3();
        s3.Setup(s => s.GetObjectTaggingAsync(It.IsAny<GetObjectTaggingRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GetObjectTaggingResponse { Tagging = [.. Enumerable.Range(0, 10).Select(i => new Tag { Key = $"t{i}", Value = "v" })] });
        var (runner, stats, _, _) = Runner(s3.Object, live: false);

        await runner.RunAsync(Listing(2), CancellationToken.None, CancellationToken.None);

        Assert.Equal(2, stats.ObjectsProgressNotRecorded);
        Assert.Contains(stats.Warnings, w => w.Contains("10 tags", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_progress_tag_that_cannot_be_read_is_a_warning_on_the_terminal()
    {
        var s3 = S3();
        s3.Setup(s => s.GetObjectTaggingAsync(It.IsAny<GetObjectTaggingRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(AccessDenied());
        s3.Setup(s => s.PutObjectTaggingAsync(It.IsAny<PutObjectTaggingRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(AccessDenied());
        var (runner, stats, _, _) = Runner(s3.Object);

        await runner.RunAsync(Listing(1), CancellationToken.None, CancellationToken.None);

        Assert.Contains(stats.Warnings, w => w.Contains("progress tag not readable", StringComparison.Ordinal));
        Assert.Equal(1, stats.ObjectsProgressNotRecorded);
    }

    [Fact]
    public async Task The_dry_run_checks_once_that_progress_tags_can_be_written()
    {
        var s3 = S3();
        s3.Setup(s => s.PutObjectTaggingAsync(It.IsAny<PutObjectTaggingRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(AccessDenied());
        var dryRun = new DryRun(s3.Object, new ForwardingPolicy { ProgressTag = TagKey }, concurrency: 4);
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, await DryRun.PrintJsonAsync(dryRun, new ObjectLister(s3.Object, new ForwardingPolicy()), Listing(5), output, error, CancellationToken.None));

        var warning = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("s3:PutObjectTagging", warning, StringComparison.Ordinal);
        s3.Verify(s => s.PutObjectTaggingAsync(It.Is<PutObjectTaggingRequest>(r => r.Key == Key(0) && r.Tagging.TagSet.Count == 0), It.IsAny<CancellationToken>()),
            Times.Once); // the first object's tags, written back unchanged, once
    }

    [Fact]
    public async Task A_dry_run_that_cannot_know_the_progress_tag_says_unknown_once_not_to_send()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict); // no tag is read or written
        var dryRun = new DryRun(s3.Object, new ForwardingPolicy(), concurrency: 2, progressUnknown: true);
        using var output = new StringWriter();
        using var error = new StringWriter();

        await DryRun.PrintJsonAsync(dryRun, new ObjectLister(s3.Object, new ForwardingPolicy()), Listing(3), output, error, CancellationToken.None);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines[..^1], l => Assert.Contains("\"state\":\"unknown\"", l, StringComparison.Ordinal));
        Assert.Contains("\"toSend\":0,\"alreadyDelivered\":0,\"unknown\":3", lines[^1], StringComparison.Ordinal);
        var warning = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("SIGNOZ_ENDPOINT", warning, StringComparison.Ordinal);
        Assert.Contains("FLOWLOG_PROGRESS_TAG", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tag_that_cannot_be_read_makes_that_object_unknown_and_the_dry_run_goes_on()
    {
        var s3 = S3();
        s3.Setup(s => s.PutObjectTaggingAsync(It.IsAny<PutObjectTaggingRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new PutObjectTaggingResponse());
        s3.Setup(s => s.GetObjectTaggingAsync(It.Is<GetObjectTaggingRequest>(r => r.Key == Key(2)), It.IsAny<CancellationToken>())).ThrowsAsync(AccessDenied());
        var dryRun = new DryRun(s3.Object, new ForwardingPolicy { ProgressTag = TagKey }, concurrency: 2);
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, await DryRun.PrintJsonAsync(dryRun, new ObjectLister(s3.Object, new ForwardingPolicy()), Listing(4), output, error, CancellationToken.None));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Contains("unknown (progress tag not readable: Access Denied)", lines[2], StringComparison.Ordinal);
        Assert.Contains("\"toSend\":3,\"alreadyDelivered\":0,\"unknown\":1", lines[^1], StringComparison.Ordinal);
    }
}

/// <summary>The workers survive what one object throws.</summary>
public class BackfillRunnerFailureTests
{
    [Fact]
    public async Task An_unexpected_exception_fails_that_object_and_the_run_goes_on()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonClientException("Unable to get IAM security credentials")); // not an AmazonServiceException
        var stats = new RunStats(TimeProvider.System);
        var forwarder = new ObjectForwarder(new FlowLogPipeline(new CollectingSink(), new PipelineOptions(), TimeProvider.System), s3.Object,
            new ForwardingPolicy(), new JsonLog(TextWriter.Null, TimeProvider.System), TimeProvider.System);

        static async IAsyncEnumerable<ObjectReference> Five()
        {
            for (var i = 0; i < 5; i++)
            {
                await Task.Yield();
                yield return new ObjectReference("b", $"AWSLogs/1/vpcflowlogs/us-east-1/2026/11/22/{i}.log.gz", 100, "e", null, null);
            }
        }

        Assert.True(await new BackfillRunner(() => forwarder, stats, 2).RunAsync(Five(), CancellationToken.None, CancellationToken.None));

        Assert.Equal(5, stats.ObjectsFailed);
        Assert.Equal(5, stats.ObjectsDone);
        Assert.All(stats.Failures, f => Assert.Contains("IAM security credentials", f.Error, StringComparison.Ordinal));
    }
}

/// <summary>A run stops starting objects once whatever fails them would fail the rest.</summary>
public class BackfillRunnerStopTests
{
    private static async IAsyncEnumerable<ObjectReference> Listing(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new ObjectReference("b", $"AWSLogs/1/vpcflowlogs/us-east-1/2026/11/22/{i:D5}.log.gz", 100, "e", null, null);
        }
    }

    /// <summary>An S3 that serves each object as three records (or as <paramref name="text"/>), with tags that can be written.</summary>
    private static IAmazonS3 S3(string? text = null)
    {
        var s3 = BackfillRunnerTests.S3(text);
        s3.Setup(s => s.PutObjectTaggingAsync(It.IsAny<PutObjectTaggingRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new PutObjectTaggingResponse());
        return s3.Object;
    }

    /// <summary>An endpoint answering every request as <paramref name="answer"/> says, counting them.</summary>
    private sealed class ScriptedSink(Func<int, DeliveryResult> answer) : IBatchSink
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public ValueTask<DeliveryResult> SendAsync(SigNozBatch batch, CancellationToken cancellationToken) =>
            ValueTask.FromResult(answer(Interlocked.Increment(ref _requests)));
    }

    private static (BackfillRunner Runner, RunStats Stats) Runner(IBatchSink sink, int concurrency, IAmazonS3? s3 = null)
    {
        var stats = new RunStats(TimeProvider.System);
        var forwarders = BackfillRun.Forwarders(new CountingExporter(new BatchDeliverer(sink), stats), new PipelineOptions(), s3 ?? S3(),
            new ForwardingPolicy { ProgressTag = "flowlog-forwarder-progress-aaaaaaaa" }, new JsonLog(TextWriter.Null, TimeProvider.System));
        return (new BackfillRunner(forwarders, stats, concurrency), stats);
    }

    [Fact]
    public async Task A_refused_ingestion_key_stops_new_objects_from_starting()
    {
        var sink = new ScriptedSink(_ => new DeliveryResult(DeliveryStatus.Unauthorized, 1, 401, "invalid ingestion key"));
        var (runner, stats) = Runner(sink, concurrency: 4);

        Assert.True(await runner.RunAsync(Listing(500), CancellationToken.None, CancellationToken.None));

        Assert.StartsWith("the endpoint refused the ingestion key (HTTP 401)", runner.StoppedBecause, StringComparison.Ordinal);
        Assert.InRange(sink.Requests, 1, 4); // at most the objects already in flight asked
        Assert.InRange(stats.ObjectsFailed, 1, 4);
        Assert.InRange(stats.ObjectsDone, 1, 4); // the rest listed (or not, the listing stops with the workers) but not started
    }

    [Fact]
    public async Task Ten_objects_failing_in_a_row_stop_the_run_and_a_delivery_in_between_resets_the_count()
    {
        // The endpoint is down except for every 8th request: never ten failures in a row, so every object is tried...
        var flaky = new ScriptedSink(n => n % 8 == 0 ? new DeliveryResult(DeliveryStatus.Delivered, 1, 200, null)
            : new DeliveryResult(DeliveryStatus.RetriesExhausted, 1, 503, "service unavailable"));
        var (flakyRunner, flakyStats) = Runner(flaky, concurrency: 1);
        Assert.True(await flakyRunner.RunAsync(Listing(40), CancellationToken.None, CancellationToken.None));
        Assert.Null(flakyRunner.StoppedBecause);
        Assert.Equal(40, flakyStats.ObjectsDone);

        // ...and down for good: the run stops after ten.
        var dead = new ScriptedSink(_ => new DeliveryResult(DeliveryStatus.RetriesExhausted, 1, 503, "service unavailable"));
        var (runner, stats) = Runner(dead, concurrency: 1);
        Assert.True(await runner.RunAsync(Listing(500), CancellationToken.None, CancellationToken.None));
        Assert.Equal($"{BackfillRunner.MaxConsecutiveFailures} objects failed in a row", runner.StoppedBecause);
        Assert.Equal(BackfillRunner.MaxConsecutiveFailures, stats.ObjectsFailed);
        Assert.Equal(BackfillRunner.MaxConsecutiveFailures, dead.Requests);
        Assert.Equal(BackfillRunner.MaxConsecutiveFailures, stats.ObjectsDone);
    }

    [Fact]
    public async Task Unreadable_objects_in_a_row_do_not_stop_the_run()
    {
        var (runner, stats) = Runner(new CollectingSink(), concurrency: 2, S3("this is not a flow log\n"));

        Assert.True(await runner.RunAsync(Listing(30), CancellationToken.None, CancellationToken.None));

        Assert.Null(runner.StoppedBecause);
        Assert.Equal(30, stats.ObjectsFailed); // each its own trouble
    }
}

/// <summary>Measured alone: it counts the process's allocations.</summary>
[CollectionDefinition(nameof(AllocationMeasurement), DisableParallelization = true)]
public sealed class AllocationMeasurement;

/// <summary>Each worker reuses its own batch buffers.</summary>
[Collection(nameof(AllocationMeasurement))]
public class BackfillRunnerBufferTests
{
    private const int BatchBytes = 1024 * 1024;

    /// <summary>An endpoint that takes a little while, so each object has batches in flight.</summary>
    private sealed class SlowSink : IBatchSink
    {
        public async ValueTask<DeliveryResult> SendAsync(SigNozBatch batch, CancellationToken cancellationToken)
        {
            await Task.Delay(2, cancellationToken);
            return new DeliveryResult(DeliveryStatus.Delivered, 1, 200, null);
        }
    }

    [Fact]
    public async Task Workers_reuse_their_own_batch_buffers_instead_of_allocating_one_per_batch()
    {
        // 48 objects of 100 records, ten records a batch: 480 batches of 1 MiB arrays, four objects at a time, each with up
        // to four batches in flight. Each worker's pipeline keeps 4 + 2 arrays; one pipeline for all would keep 6 for 20 in use.
        var body = TestHelpers.Gzip(FlowLogGenerator.DefaultHeader + "\n" + string.Concat(Enumerable.Range(1, 100).Select(i => FlowLogGenerator.Line(i) + "\n")))
            .ToArray();
        var s3 = new Mock<IAmazonS3>();
        s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((GetObjectRequest r, CancellationToken _) => new GetObjectResponse { ResponseStream = new MemoryStream(body), ETag = r.EtagToMatch });
        var options = new PipelineOptions { MaxBatchBytes = BatchBytes, MaxBatchRecords = 10, MaxInFlightBatches = 4 };
        var stats = new RunStats(TimeProvider.System);
        const int concurrency = 4;
        var forwarders = BackfillRun.Forwarders(new CountingExporter(new BatchDeliverer(new SlowSink()), stats), options, s3.Object, new ForwardingPolicy(),
            new JsonLog(TextWriter.Null, TimeProvider.System));

        static async IAsyncEnumerable<ObjectReference> Listing()
        {
            for (var i = 0; i < 48; i++)
            {
                await Task.Yield();
                yield return new ObjectReference("b", $"AWSLogs/1/vpcflowlogs/us-east-1/2026/11/22/{i:D3}.log.gz", 100, "e", null, null);
            }
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        Assert.True(await new BackfillRunner(forwarders, stats, concurrency).RunAsync(Listing(), CancellationToken.None, CancellationToken.None));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(4_800, stats.RecordsForwarded);
        Assert.Equal(0, stats.ObjectsFailed);
        // At most each worker's six arrays, and 16 MiB for everything else (records, JSON, gzip, tasks).
        long budget = concurrency * (options.MaxInFlightBatches + 2) * (long)BatchBytes + 16L * 1024 * 1024;
        Assert.True(allocated < budget, $"{allocated:N0} bytes allocated; budget {budget:N0}");
    }
}
