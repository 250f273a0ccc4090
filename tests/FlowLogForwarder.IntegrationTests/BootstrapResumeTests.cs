using System.Text.Json;
using Amazon.S3.Model;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>Resume without duplicates: a retried event continues after the last acknowledged batch; a delivered object is skipped.</summary>
public sealed class BootstrapResumeTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static long PacketsId(JsonElement record) => record.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64();

    [Fact]
    public async Task A_retried_event_resumes_after_the_delivered_batches_and_a_third_is_skipped()
    {
        var bucket = "resume-" + Guid.NewGuid().ToString("N")[..10];
        await aws.S3.PutBucketAsync(bucket);
        const string Key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-resume_20261122T1005Z_ab.log.gz";
        var file = Path.GetTempFileName();
        FlowLogGenerator.WriteGzip(file, 10_000);
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Key, FilePath = file, TagSet = [new Tag { Key = "team", Value = "netsec" }] });
        File.Delete(file);

        await using var signoz = await LoopbackSigNozServer.StartAsync(recordId: PacketsId, keepBodies: false);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = aws.BootstrapEnvironment(runtime, signoz.Endpoint);
        environment["SIGNOZ_MAX_ATTEMPTS"] = "2";
        environment["FLOWLOG_BATCH_MAX_RECORDS"] = "1000";
        environment["FLOWLOG_MAX_IN_FLIGHT"] = "1";
        await using var bootstrap = BootstrapProcess.Start(environment);
        var evt = S3Events.ObjectCreatedIn(bucket, Key);

        // Three batches of 1,000 get through, then the endpoint fails past every retry.
        var first = await RunWithFaultsAfterAsync(signoz, runtime, evt, okBatches: 3);
        Assert.True(first.IsError, "the first attempt should fail");
        var tags = (await aws.S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = Key })).Tagging;
        var progress = tags.Single(t => t.Key == FlowLogForwarder.Storage.ProgressTagKey.ForEndpoint(signoz.Endpoint)).Value;
        Assert.EndsWith("/3001", progress, StringComparison.Ordinal); // header + 3 × 1,000 records
        Assert.Contains(tags, t => t.Key == "team" && t.Value == "netsec"); // other tags kept

        var second = await runtime.InvokeAsync(evt, Timeout);
        output.WriteLine(bootstrap.Output);
        Assert.False(second.IsError, second.Body);
        var delivered = signoz.AcceptedIds.SelectMany(ids => ids).ToArray();
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i), delivered); // every record exactly once, in order
        Assert.Contains("\"resumedAfterLine\":3001", bootstrap.Output, StringComparison.Ordinal);
        var done = (await aws.S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = Key })).Tagging
            .Single(t => t.Key == FlowLogForwarder.Storage.ProgressTagKey.ForEndpoint(signoz.Endpoint)).Value;
        Assert.EndsWith("/done", done, StringComparison.Ordinal);

        var third = await runtime.InvokeAsync(evt, Timeout);
        Assert.False(third.IsError, third.Body);
        Assert.Equal(10_000, signoz.AcceptedIds.Sum(ids => ids.Length)); // nothing sent again
        Assert.Contains("already delivered", bootstrap.Output, StringComparison.Ordinal);
    }

    private static async Task<InvocationOutcome> RunWithFaultsAfterAsync(LoopbackSigNozServer signoz, RuntimeApiEmulator runtime, string evt, int okBatches)
    {
        signoz.ClearFaults();
        signoz.Enqueue([.. Enumerable.Repeat<ServerFault>(new ServerFault.Accept(), okBatches), .. Enumerable.Repeat<ServerFault>(new ServerFault.Status(503), 40)]);
        var outcome = await runtime.InvokeAsync(evt, Timeout);
        signoz.ClearFaults();
        return outcome;
    }
}
