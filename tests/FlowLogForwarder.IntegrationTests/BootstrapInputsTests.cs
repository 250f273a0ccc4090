using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// The inputs without a header line through the published Native AOT bootstrap, the Runtime API emulator, moto's S3 and
/// the loopback SigNoz: a header-less object (resumed exactly after a failure), and CloudWatch Logs subscription
/// deliveries (data, control, a transit gateway format, and a failed delivery that fails the invocation).
/// </summary>
public sealed class BootstrapInputsTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static long PacketsId(JsonElement record) => record.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64();

    private static List<JsonElement> Received(LoopbackSigNozServer signoz) =>
        [.. signoz.AcceptedBodies.SelectMany(b => JsonDocument.Parse(b).RootElement.EnumerateArray().Select(r => r.Clone()))];

    [Fact]
    public async Task A_headerless_object_is_forwarded_in_the_default_format_and_resumes_on_its_record_numbers()
    {
        var bucket = "headerless-" + Guid.NewGuid().ToString("N")[..10];
        await aws.S3.PutBucketAsync(bucket);
        const string Key = "exports/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-export_20261122T1005Z_ab.log.gz";
        var text = new StringBuilder();
        for (var i = 0; i < 5_000; i++)
        {
            text.Append(FlowLogGenerator.Line(i)).Append('\n');
        }
        using (var gzip = new MemoryStream())
        {
            using (var zip = new System.IO.Compression.GZipStream(gzip, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(Encoding.ASCII.GetBytes(text.ToString()));
            }
            gzip.Position = 0;
            await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Key, InputStream = gzip });
        }

        await using var signoz = await LoopbackSigNozServer.StartAsync(recordId: PacketsId, keepBodies: false);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = aws.BootstrapEnvironment(runtime, signoz.Endpoint);
        environment["SIGNOZ_MAX_ATTEMPTS"] = "2";
        environment["FLOWLOG_BATCH_MAX_RECORDS"] = "1000";
        environment["FLOWLOG_MAX_IN_FLIGHT"] = "1";
        await using var bootstrap = BootstrapProcess.Start(environment);
        var evt = S3Events.ObjectCreatedIn(bucket, Key);

        // Two batches of 1,000 get through, then the endpoint fails past every retry.
        signoz.Enqueue([.. Enumerable.Repeat<ServerFault>(new ServerFault.Accept(), 2), .. Enumerable.Repeat<ServerFault>(new ServerFault.Status(503), 40)]);
        var first = await runtime.InvokeAsync(evt, Timeout);
        signoz.ClearFaults();
        Assert.True(first.IsError, "the first attempt should fail");
        var progressKey = FlowLogForwarder.Storage.ProgressTagKey.ForEndpoint(signoz.Endpoint);
        var progress = (await aws.S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = Key })).Tagging.Single(t => t.Key == progressKey).Value;
        Assert.EndsWith("/2000", progress, StringComparison.Ordinal); // no header: record 2,000 is line 2,000

        var second = await runtime.InvokeAsync(evt, Timeout);
        output.WriteLine(bootstrap.Output);
        Assert.False(second.IsError, second.Body);
        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => (long)i), signoz.AcceptedIds.SelectMany(ids => ids)); // each record exactly once
        Assert.Contains("\"resumedAfterLine\":2000", bootstrap.Output, StringComparison.Ordinal);
        Assert.Contains("\"acknowledgedThroughLine\":5000", bootstrap.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloudWatch_Logs_deliveries_are_forwarded_control_messages_acknowledged_and_a_failed_delivery_fails_the_invocation()
    {
        await using var signoz = await LoopbackSigNozServer.StartAsync();
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = aws.BootstrapEnvironment(runtime, signoz.Endpoint);
        environment["SIGNOZ_MAX_ATTEMPTS"] = "2";
        environment["FLOWLOG_BATCH_MAX_RECORDS"] = "100";
        await using var bootstrap = BootstrapProcess.Start(environment);
        var messages = Enumerable.Range(0, 750).Select(i => FlowLogGenerator.Line(i)).ToList();

        var data = await runtime.InvokeAsync(CloudWatchLogsEvents.LambdaEvent(CloudWatchLogsEvents.DataPayload(messages)), Timeout);
        Assert.False(data.IsError, data.Body);
        Assert.Equal("""{"status":"ok"}""", data.Body);
        var records = Received(signoz);
        Assert.Equal(Enumerable.Range(1, 750).Select(i => $"event-{i}").Order(StringComparer.Ordinal),
            records.Select(r => r.GetProperty("attributes").GetProperty("log.record.uid").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(records, r => Assert.Equal(CloudWatchLogsEvents.LogStream, r.GetProperty("resources").GetProperty("aws.log.stream.names").GetString()));
        Assert.All(records, r => Assert.Equal("ipv4", r.GetProperty("attributes").GetProperty("network.type").GetString()));

        var control = await runtime.InvokeAsync(CloudWatchLogsEvents.LambdaEvent(CloudWatchLogsEvents.ControlPayload()), Timeout);
        Assert.False(control.IsError, control.Body);
        Assert.Equal(750, signoz.RecordsAccepted);

        signoz.Enqueue([.. Enumerable.Repeat<ServerFault>(new ServerFault.Status(503), 40)]);
        var failed = await runtime.InvokeAsync(CloudWatchLogsEvents.LambdaEvent(CloudWatchLogsEvents.DataPayload(messages.Take(10))), Timeout);
        signoz.ClearFaults();
        output.WriteLine(bootstrap.Output);
        Assert.True(failed.IsError, "a delivery the endpoint refused must fail the invocation so Lambda retries it");
        Assert.Equal("ForwardingFailed", failed.ErrorType);
        Assert.Contains("CloudWatch Logs /aws/vpc/flowlogs:", failed.Body, StringComparison.Ordinal);
        Assert.Contains("CloudWatch Logs control message acknowledged", bootstrap.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transit_gateway_flow_log_in_CloudWatch_Logs_is_read_in_the_configured_format()
    {
        await using var signoz = await LoopbackSigNozServer.StartAsync();
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = aws.BootstrapEnvironment(runtime, signoz.Endpoint);
        environment["FLOWLOG_FORMAT"] = string.Join(' ', TransitGatewayRecord.Fields.Select(f => "${" + f.Name + "}"));
        await using var bootstrap = BootstrapProcess.Start(environment);

        var outcome = await runtime.InvokeAsync(CloudWatchLogsEvents.LambdaEvent(CloudWatchLogsEvents.DataPayload([TransitGatewayRecord.Line], "/aws/tgw/flowlogs", "tgw-07a1b2c3d4e5f6a7b")), Timeout);

        output.WriteLine(bootstrap.Output);
        Assert.False(outcome.IsError, outcome.Body);
        var attributes = Assert.Single(Received(signoz)).GetProperty("attributes");
        Assert.Equal("tgw-attach-0b1c2d3e4f5a6b7c8", attributes.GetProperty("aws.tgw.attachment.id").GetString());
        Assert.Equal(3, attributes.GetProperty("aws.vpc.flow.packets_lost_blackhole").GetInt64());
        Assert.Equal("receive", attributes.GetProperty("network.io.direction").GetString());
    }
}
