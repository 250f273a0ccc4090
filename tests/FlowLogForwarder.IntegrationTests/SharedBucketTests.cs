using System.Text.Json;
using Amazon.S3.Model;
using FlowLogForwarder.Storage;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// Deployments that share a bucket, through the published bootstrap against moto's S3: progress is kept per destination,
/// and with <c>FLOWLOG_EXPECTED_BUCKET_OWNER</c> every S3 call carries the owner condition.
/// </summary>
public sealed class SharedBucketTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private const string Key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-shared_20261122T1005Z_ab.log.gz";
    private const int Records = 5_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static long PacketsId(JsonElement record) => record.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64();

    private async Task<string> BucketWithObjectAsync(string prefix)
    {
        var bucket = prefix + Guid.NewGuid().ToString("N")[..10];
        await aws.S3.PutBucketAsync(bucket);
        var file = Path.GetTempFileName();
        FlowLogGenerator.WriteGzip(file, Records);
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Key, FilePath = file });
        File.Delete(file);
        return bucket;
    }

    /// <summary>One stack: its own SigNoz, Runtime API and bootstrap process.</summary>
    private sealed class Deployment : IAsyncDisposable
    {
        public required LoopbackSigNozServer SigNoz { get; init; }
        public required RuntimeApiEmulator Runtime { get; init; }
        public required BootstrapProcess Bootstrap { get; init; }

        public long[] Delivered => [.. SigNoz.AcceptedIds.SelectMany(ids => ids)];

        public async ValueTask DisposeAsync()
        {
            await Bootstrap.DisposeAsync();
            await Runtime.DisposeAsync();
            await SigNoz.DisposeAsync();
        }
    }

    private async Task<Deployment> DeployAsync(Action<Dictionary<string, string>>? configure = null)
    {
        var signoz = await LoopbackSigNozServer.StartAsync(recordId: PacketsId, keepBodies: false);
        var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = aws.BootstrapEnvironment(runtime, signoz.Endpoint);
        environment["SIGNOZ_MAX_ATTEMPTS"] = "1";
        environment["FLOWLOG_BATCH_MAX_RECORDS"] = "1000";
        environment["FLOWLOG_MAX_IN_FLIGHT"] = "1";
        configure?.Invoke(environment);
        return new Deployment { SigNoz = signoz, Runtime = runtime, Bootstrap = BootstrapProcess.Start(environment) };
    }

    private async Task<Dictionary<string, string>> TagsAsync(string bucket) =>
        (await aws.S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = Key })).Tagging.ToDictionary(t => t.Key, t => t.Value);

    [Fact]
    public async Task Two_destinations_reading_one_object_each_get_every_record_and_never_skip_on_the_other_s_progress()
    {
        var bucket = await BucketWithObjectAsync("shared-");
        var evt = S3Events.ObjectCreatedIn(bucket, Key);
        await using var a = await DeployAsync();
        await using var b = await DeployAsync();
        var tagA = ProgressTagKey.ForEndpoint(a.SigNoz.Endpoint);
        var tagB = ProgressTagKey.ForEndpoint(b.SigNoz.Endpoint);
        Assert.NotEqual(tagA, tagB); // two loopback ports: two destinations

        // A gets two batches through, then its endpoint fails: A's progress is line 2001.
        a.SigNoz.Enqueue([new ServerFault.Accept(), new ServerFault.Accept(), .. Enumerable.Repeat<ServerFault>(new ServerFault.Status(503), 5)]);
        Assert.True((await a.Runtime.InvokeAsync(evt, Timeout)).IsError);
        a.SigNoz.ClearFaults();
        Assert.EndsWith("/2001", (await TagsAsync(bucket))[tagA], StringComparison.Ordinal);

        // B must not resume after A's line: it sends the whole object and marks its own tag done.
        var second = await b.Runtime.InvokeAsync(evt, Timeout);
        output.WriteLine(b.Bootstrap.Output);
        Assert.False(second.IsError, second.Body);
        Assert.Equal(Enumerable.Range(0, Records).Select(i => (long)i), b.Delivered);
        Assert.DoesNotContain("\"resumedAfterLine\":2001", b.Bootstrap.Output, StringComparison.Ordinal);

        // B being done must not make A skip: A resumes after its own line 2001 and completes.
        var third = await a.Runtime.InvokeAsync(evt, Timeout);
        output.WriteLine(a.Bootstrap.Output);
        Assert.False(third.IsError, third.Body);
        Assert.Equal(Enumerable.Range(0, Records).Select(i => (long)i), a.Delivered); // every record exactly once
        Assert.DoesNotContain("already delivered", a.Bootstrap.Output, StringComparison.Ordinal);

        var tags = await TagsAsync(bucket);
        Assert.EndsWith("/done", tags[tagA], StringComparison.Ordinal);
        Assert.EndsWith("/done", tags[tagB], StringComparison.Ordinal);

        // Now both are done: a duplicate event is skipped by each, and nothing is sent again.
        Assert.False((await b.Runtime.InvokeAsync(evt, Timeout)).IsError);
        Assert.Equal(Records, b.Delivered.Length);
        Assert.Contains("already delivered", b.Bootstrap.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_legacy_done_tag_from_an_older_version_is_not_trusted_and_is_kept()
    {
        var bucket = await BucketWithObjectAsync("legacy-");
        var etag = (await aws.S3.GetObjectMetadataAsync(bucket, Key)).ETag.Trim('"');
        await aws.S3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = bucket, Key = Key, Tagging = new Tagging { TagSet = [new Tag { Key = ProgressTagKey.Legacy, Value = $"{etag}/done" }] },
        });
        await using var deployment = await DeployAsync();

        var outcome = await deployment.Runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, Key), Timeout);

        Assert.False(outcome.IsError, outcome.Body);
        Assert.Equal(Records, deployment.Delivered.Length);
        var tags = await TagsAsync(bucket);
        Assert.Equal($"{etag}/done", tags[ProgressTagKey.Legacy]);
        Assert.Equal($"{etag}/done", tags[ProgressTagKey.ForEndpoint(deployment.SigNoz.Endpoint)]);
    }

    [Fact]
    public async Task With_an_expected_owner_every_S3_call_carries_it_and_a_bucket_of_another_account_is_refused_once()
    {
        var own = await BucketWithObjectAsync("own-");
        var foreign = await BucketWithObjectAsync("lookalike-");
        // moto does not enforce the owner condition; the proxy applies it as S3 documents (see S3OwnerConditionProxy).
        await using var proxy = await S3OwnerConditionProxy.StartAsync(aws.Moto.Endpoint,
            new Dictionary<string, string> { [own] = "111122223333", [foreign] = "999900001111" });
        await using var deployment = await DeployAsync(e =>
        {
            e["FLOWLOG_S3_SERVICE_URL"] = proxy.Endpoint;
            e["FLOWLOG_EXPECTED_BUCKET_OWNER"] = "111122223333";
        });

        var good = await deployment.Runtime.InvokeAsync(S3Events.ObjectCreatedIn(own, Key), Timeout);
        Assert.False(good.IsError, good.Body);
        Assert.Equal(Records, deployment.Delivered.Length);
        var ownCalls = proxy.Calls.Where(c => c.Bucket == own).ToList();
        Assert.Contains(ownCalls, c => c.Method == "GET" && !c.PathAndQuery.Contains("tagging", StringComparison.Ordinal)); // GetObject
        Assert.Contains(ownCalls, c => c.Method == "GET" && c.PathAndQuery.EndsWith("?tagging", StringComparison.Ordinal)); // GetObjectTagging
        Assert.Contains(ownCalls, c => c.Method == "PUT" && c.PathAndQuery.EndsWith("?tagging", StringComparison.Ordinal)); // PutObjectTagging
        Assert.All(ownCalls, c => Assert.Equal("111122223333", c.ExpectedBucketOwner));

        var refused = await deployment.Runtime.InvokeAsync(S3Events.ObjectCreatedIn(foreign, Key), Timeout);
        output.WriteLine(deployment.Bootstrap.Output);
        Assert.False(refused.IsError, refused.Body); // not retried: a retry would meet the same owner
        Assert.Equal(Records, deployment.Delivered.Length); // nothing of the foreign object sent
        var foreignCall = Assert.Single(proxy.Calls, c => c.Bucket == foreign);
        Assert.Equal("111122223333", foreignCall.ExpectedBucketOwner);
        var line = JsonDocument.Parse(deployment.Bootstrap.Output.Split('\n').Single(l => l.Contains("\"object refused\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal("ERROR", line.GetProperty("level").GetString());
        Assert.Contains($"bucket '{foreign}' is not owned by the expected account 111122223333", line.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"ObjectsFailed\":1", deployment.Bootstrap.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_setting_no_owner_condition_is_sent()
    {
        var bucket = await BucketWithObjectAsync("noowner-");
        await using var proxy = await S3OwnerConditionProxy.StartAsync(aws.Moto.Endpoint, new Dictionary<string, string>());
        await using var deployment = await DeployAsync(e => e["FLOWLOG_S3_SERVICE_URL"] = proxy.Endpoint);

        Assert.False((await deployment.Runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, Key), Timeout)).IsError);

        Assert.NotEmpty(proxy.Calls);
        Assert.All(proxy.Calls, c => Assert.Null(c.ExpectedBucketOwner));
    }

    [Fact]
    public async Task A_bad_owner_or_tag_setting_is_an_init_error_naming_the_variable()
    {
        foreach (var (name, value) in new[] { ("FLOWLOG_EXPECTED_BUCKET_OWNER", "1111-2222-3333"), ("FLOWLOG_PROGRESS_TAG", "aws:progress") })
        {
            await using var deployment = await DeployAsync(e => e[name] = value);
            var error = await deployment.Runtime.InitError.WaitAsync(Timeout);
            Assert.Equal("Runtime.ConfigurationError", error.ErrorType);
            Assert.StartsWith(name + ":", JsonDocument.Parse(error.Body).RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
            Assert.Equal(1, await deployment.Bootstrap.WaitForExitAsync(Timeout));
        }
    }
}
