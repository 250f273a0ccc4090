using Amazon.S3.Model;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>The published Native AOT bootstrap with <c>SIGNOZ_PROTOCOL=otlp</c>: moto's S3, the Runtime API emulator, and a
/// loopback OTLP/HTTP receiver that decodes with types generated from the official .proto files.</summary>
public sealed class BootstrapOtlpTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private const string Key = "otlp-ingestion-key-51c2";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_S3_event_is_delivered_as_OTLP_protobuf_record_for_record()
    {
        const int Records = 12_000;
        var bucket = "flow-" + Guid.NewGuid().ToString("N")[..12];
        await aws.S3.PutBucketAsync(bucket);
        const string ObjectKey = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-0otlp_20261122T1005Z_ab.log.gz";
        var text = new MemoryStream();
        FlowLogGenerator.Write(text, Records);
        var gzip = new MemoryStream();
        using (var zip = new System.IO.Compression.GZipStream(gzip, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            text.Position = 0;
            await text.CopyToAsync(zip);
        }
        gzip.Position = 0;
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = ObjectKey, InputStream = gzip });

        await using var otlp = await LoopbackOtlpServer.StartAsync(Key);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = aws.BootstrapEnvironment(runtime, otlp.Endpoint);
        environment["SIGNOZ_PROTOCOL"] = "otlp";
        environment["SIGNOZ_INGESTION_KEY"] = Key;
        await using var bootstrap = BootstrapProcess.Start(environment);

        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, ObjectKey), Timeout);

        output.WriteLine(bootstrap.Output);
        Assert.False(outcome.IsError, outcome.Body);
        var records = otlp.Records;
        Assert.Equal(Records, records.Count);
        // Record i carries i in its packets attribute, as an OTLP int.
        Assert.Equal(Enumerable.Range(0, Records).Select(i => (long)i),
            records.Select(r => r.Record.Attributes.Single(a => a.Key == "aws.vpc.flow.packets").Value.IntValue).Order());
        Assert.All(records, r => Assert.Contains(r.Resource.Attributes, a => a.Key == "cloud.account.id" && a.Value.StringValue == "123456789012"));
        Assert.All(otlp.Encodings, e => Assert.Equal("gzip", e));
        Assert.DoesNotContain(Key, bootstrap.Output, StringComparison.Ordinal);
    }
}
