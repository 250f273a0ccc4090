using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using Moq;

namespace FlowLogForwarder.Tests.Storage;

/// <summary>The handler's answer to an object whose bucket fails the owner condition: ERROR, counted, not retried.</summary>
#pragma warning disable CA1001 // disposed in DisposeAsync, which xunit calls
public sealed class BucketOwnerRefusalTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_ab.log.gz";
    private readonly Mock<IAmazonS3> _s3 = new(MockBehavior.Strict);
    private readonly StringWriter _logs = new();
    private LoopbackSigNozServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackSigNozServer.StartAsync("k");

    public async Task DisposeAsync()
    {
        await _logs.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_bucket_owned_by_another_account_is_logged_at_error_counted_and_not_retried()
    {
        _s3.Setup(s => s.GetObjectAsync(It.Is<GetObjectRequest>(r => r.ExpectedBucketOwner == "111122223333"), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("Access Denied", ErrorType.Sender, "AccessDenied", "req-1", HttpStatusCode.Forbidden));
        using var http = SigNozClient.CreateHttpClient();
        var client = new SigNozClient(http, new SigNozClientOptions { Endpoint = _server.Endpoint, IngestionKey = "k", MaxAttempts = 1, AttemptTimeout = TimeSpan.FromSeconds(5) },
            TimeProvider.System);
        var owners = ExpectedBucketOwners.Parse("111122223333", "FLOWLOG_EXPECTED_BUCKET_OWNER");
        var log = new JsonLog(_logs, TimeProvider.System);
        var policy = new ForwardingPolicy { ProgressTag = "flowlog-forwarder-progress-aaaaaaaa", ExpectedBucketOwners = owners };
        var forwarder = new EventForwarder(new ObjectForwarder(new FlowLogPipeline(client, new PipelineOptions(), TimeProvider.System), _s3.Object, policy, log,
            TimeProvider.System), log, TimeProvider.System, "fn");

        // A direct event answers ok (no Lambda retry), and nothing was sent.
        var response = await forwarder.HandleAsync(Encoding.UTF8.GetBytes(S3Events.ObjectCreated(Key)), "req-1", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None);

        Assert.Equal("""{"status":"ok"}""", Encoding.UTF8.GetString(response));
        Assert.Equal(0, _server.Requests);
        var lines = _logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var refused = lines.Single(l => l.TryGetProperty("message", out var m) && m.GetString() == "object refused");
        Assert.Equal("ERROR", refused.GetProperty("level").GetString());
        Assert.Contains("not owned by the expected account 111122223333", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, lines.Single(l => l.TryGetProperty("_aws", out _)).GetProperty("ObjectsFailed").GetInt64());
    }
}
