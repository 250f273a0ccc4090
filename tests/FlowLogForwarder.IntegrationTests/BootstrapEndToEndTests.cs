using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>A local S3 and SSM (moto's server), shared by the tests of one class.</summary>
public sealed class MotoFixture : IAsyncLifetime
{
    public MotoServer Moto { get; private set; } = null!;
    public AmazonS3Client S3 { get; private set; } = null!;
    public AmazonSimpleSystemsManagementClient Ssm { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Moto = await MotoServer.StartAsync();
        var credentials = new BasicAWSCredentials("testing", "testing");
        S3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = Moto.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        Ssm = new AmazonSimpleSystemsManagementClient(credentials, new AmazonSimpleSystemsManagementConfig { ServiceURL = Moto.Endpoint, AuthenticationRegion = "us-east-1" });
    }

    /// <summary>What every bootstrap under test needs: the Runtime API, AWS pointing at moto, and the loopback SigNoz.</summary>
    public Dictionary<string, string> BootstrapEnvironment(RuntimeApiEmulator runtime, Uri signozEndpoint) => new()
    {
        ["AWS_LAMBDA_RUNTIME_API"] = runtime.Address,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["FLOWLOG_S3_SERVICE_URL"] = Moto.Endpoint,
        ["FLOWLOG_SSM_SERVICE_URL"] = Moto.Endpoint,
        ["SIGNOZ_ENDPOINT"] = signozEndpoint.ToString(),
        ["SIGNOZ_ALLOW_HTTP"] = "true",
    };

    /// <summary>What the CLI needs to work against moto (S3 and SQS), and to send to <paramref name="signozEndpoint"/> when given.</summary>
    public Dictionary<string, string> CliEnvironment(Uri? signozEndpoint = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["FLOWLOG_S3_SERVICE_URL"] = Moto.Endpoint,
            ["FLOWLOG_SQS_SERVICE_URL"] = Moto.Endpoint,
        };
        if (signozEndpoint is not null)
        {
            environment["SIGNOZ_ENDPOINT"] = signozEndpoint.ToString();
            environment["SIGNOZ_ALLOW_HTTP"] = "true";
        }
        return environment;
    }

    public async Task DisposeAsync()
    {
        S3.Dispose();
        Ssm.Dispose();
        await Moto.DisposeAsync();
    }
}

/// <summary>The published Native AOT bootstrap, driven by a Runtime API emulator, reading from moto's S3, sending to a loopback SigNoz.</summary>
public sealed class BootstrapEndToEndTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private const string Secret = "ssm-held-ingestion-key-7f3a9c";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string FlowKey(string prefix, string flowLogId) =>
        $"{prefix}AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_{flowLogId}_20261122T1005Z_ab.log.gz";

    private async Task<string> NewBucketAsync()
    {
        var bucket = "flow-" + Guid.NewGuid().ToString("N")[..12];
        await aws.S3.PutBucketAsync(bucket);
        return bucket;
    }

    private async Task PutObjectAsync(string bucket, string key, int records)
    {
        var text = new MemoryStream();
        FlowLogGenerator.Write(text, records);
        var gzip = new MemoryStream();
        using (var zip = new System.IO.Compression.GZipStream(gzip, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            text.Position = 0;
            await text.CopyToAsync(zip);
        }
        gzip.Position = 0;
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = gzip });
    }

    private async Task<string> KeyParameterAsync()
    {
        var name = "/flowlog/" + Guid.NewGuid().ToString("N")[..8] + "/ingestion-key";
        await aws.Ssm.PutParameterAsync(new PutParameterRequest { Name = name, Value = Secret, Type = ParameterType.SecureString });
        return name;
    }

    private Dictionary<string, string> Environment(RuntimeApiEmulator runtime, LoopbackSigNozServer signoz, string keyParameter)
    {
        var environment = aws.BootstrapEnvironment(runtime, signoz.Endpoint);
        environment["AWS_LAMBDA_FUNCTION_NAME"] = "flowlog-forwarder";
        environment["SIGNOZ_INGESTION_KEY_PARAMETER"] = keyParameter;
        environment["SIGNOZ_MAX_ATTEMPTS"] = "2";
        return environment;
    }

    private static string ErrorMessage(InvocationOutcome outcome) =>
        JsonDocument.Parse(outcome.Body).RootElement.GetProperty("errorMessage").GetString()!;

    private static long PacketsId(JsonElement record) => record.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64();

    [Fact]
    public async Task An_S3_event_for_an_object_in_S3_delivers_every_record_and_posts_the_response()
    {
        var bucket = await NewBucketAsync();
        var key = FlowKey("team logs/", "fl-0a1b"); // a space: '+' in the event
        await PutObjectAsync(bucket, key, 25_000);
        await using var signoz = await LoopbackSigNozServer.StartAsync(Secret, PacketsId, keepBodies: false);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(Environment(runtime, signoz, await KeyParameterAsync()));

        await runtime.FirstNextRequest.WaitAsync(Timeout);
        output.WriteLine($"bootstrap start to first /next: {bootstrap.SinceStart.ElapsedMilliseconds} ms (SSM read included)");
        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, key), Timeout);

        output.WriteLine(bootstrap.Output);
        Assert.False(outcome.IsError, outcome.Body);
        Assert.Equal("""{"status":"ok"}""", outcome.Body);
        Assert.Equal(Enumerable.Range(0, 25_000).Select(i => (long)i), signoz.AcceptedIds.OrderBy(b => b[0]).SelectMany(b => b));
        Assert.Contains("\"recordsForwarded\":25000", bootstrap.Output, StringComparison.Ordinal);
        Assert.Contains("\"RecordsForwarded\":25000", bootstrap.Output, StringComparison.Ordinal); // the EMF line
        Assert.DoesNotContain(Secret, bootstrap.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_posts_an_invocation_error()
    {
        var bucket = await NewBucketAsync();
        var key = FlowKey("", "fl-fail");
        await PutObjectAsync(bucket, key, 100);
        await using var signoz = await LoopbackSigNozServer.StartAsync(Secret);
        signoz.Enqueue(Enumerable.Repeat<ServerFault>(new ServerFault.Status(503), 10).ToArray());
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(Environment(runtime, signoz, await KeyParameterAsync()));

        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, key), Timeout);

        output.WriteLine(bootstrap.Output);
        Assert.True(outcome.IsError);
        Assert.Equal("ForwardingFailed", outcome.ErrorType);
        var error = JsonDocument.Parse(outcome.Body).RootElement;
        Assert.Contains(key, error.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("ForwardingFailed", error.GetProperty("errorType").GetString());
        Assert.DoesNotContain(Secret, bootstrap.Output + outcome.Body, StringComparison.Ordinal);

        // The container survives a failed invocation and serves the next one.
        var next = await runtime.InvokeAsync("""{"Service":"Amazon S3","Event":"s3:TestEvent"}""", Timeout);
        Assert.False(next.IsError);
    }

    [Fact]
    public async Task An_SQS_batch_with_one_bad_message_returns_exactly_that_message()
    {
        var bucket = await NewBucketAsync();
        var good = FlowKey("", "fl-good");
        await PutObjectAsync(bucket, good, 300);
        await using var signoz = await LoopbackSigNozServer.StartAsync(Secret);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(Environment(runtime, signoz, await KeyParameterAsync()));
        var batch = JsonSerializer.Serialize(new
        {
            Records = new[]
            {
                new { messageId = "0f6c5b4a-good", eventSource = "aws:sqs", body = S3Events.ObjectCreatedIn(bucket, good) },
                new { messageId = "9e8d7c6b-missing", eventSource = "aws:sqs", body = S3Events.ObjectCreatedIn(bucket, FlowKey("", "fl-does-not-exist")) },
            },
        });

        var outcome = await runtime.InvokeAsync(batch, Timeout);

        output.WriteLine(bootstrap.Output);
        Assert.False(outcome.IsError, outcome.Body);
        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"9e8d7c6b-missing"}]}""", outcome.Body);
        Assert.Equal(300, signoz.RecordsAccepted);
    }

    [Fact]
    public async Task Bad_configuration_is_reported_to_init_error_naming_the_variable_and_the_process_exits()
    {
        await using var signoz = await LoopbackSigNozServer.StartAsync(Secret);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = Environment(runtime, signoz, await KeyParameterAsync());
        environment["FLOWLOG_BATCH_MAX_BYTES"] = "lots";
        await using var bootstrap = BootstrapProcess.Start(environment);

        var error = await runtime.InitError.WaitAsync(Timeout);

        Assert.Equal("Runtime.ConfigurationError", error.ErrorType);
        Assert.Contains("FLOWLOG_BATCH_MAX_BYTES: 'lots' is not a whole number", ErrorMessage(error), StringComparison.Ordinal);
        Assert.Equal(1, await bootstrap.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task A_missing_SSM_parameter_is_an_init_error_that_names_it_without_any_secret()
    {
        await using var signoz = await LoopbackSigNozServer.StartAsync(Secret);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(Environment(runtime, signoz, "/flowlog/absent"));

        var error = await runtime.InitError.WaitAsync(Timeout);

        Assert.Contains("SIGNOZ_INGESTION_KEY_PARAMETER: reading SSM parameter '/flowlog/absent' failed", ErrorMessage(error), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Body + bootstrap.Output, StringComparison.Ordinal);
        Assert.Equal(1, await bootstrap.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task The_published_binary_needs_at_most_GLIBC_2_34_as_on_Amazon_Linux_2023()
    {
        Assert.True(File.Exists(RepoPaths.Bootstrap), $"missing {RepoPaths.Bootstrap}: run 'make publish'");
        var start = new ProcessStartInfo("objdump") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-T");
        start.ArgumentList.Add(RepoPaths.Bootstrap);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("objdump (binutils) is required: apt-get install binutils");
        var symbols = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var versions = System.Text.RegularExpressions.Regex.Matches(symbols, @"GLIBC_(\d+)\.(\d+)")
            .Select(m => new Version(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.NotEmpty(versions);
        var highest = versions.Max()!;
        output.WriteLine($"highest GLIBC symbol version: {highest}; binary size {new FileInfo(RepoPaths.Bootstrap).Length / 1048576.0:F1} MiB");
        Assert.True(highest <= new Version(2, 34), $"the bootstrap needs GLIBC {highest}, Amazon Linux 2023 has 2.34");
    }
}
