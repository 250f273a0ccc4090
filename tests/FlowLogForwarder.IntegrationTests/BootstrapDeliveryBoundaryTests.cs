using System.Text.Json;
using Amazon.S3.Model;
using Amazon.SimpleSystemsManagement;
using GetParameterRequest = Amazon.SimpleSystemsManagement.Model.GetParameterRequest;
using PutParameterRequest = Amazon.SimpleSystemsManagement.Model.PutParameterRequest;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;
using static FlowLogForwarder.IntegrationTests.HostileReceiverScenarios;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// The published Native AOT bootstrap, driven by the Runtime API emulator and reading from moto's S3, against a loopback
/// SigNoz receiver that redirects, echoes the key, answers a huge error body or refuses a few records. What must hold:
/// only a 2xx delivers, a failed object posts /error and is never tagged done, the key never leaves the process, and
/// an error body cannot exhaust memory.
/// </summary>
public sealed class BootstrapDeliveryBoundaryTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private const string Key = "lambda-boundary-key-8c2f4a61";
    private const string ProgressTagPrefix = "flowlog-forwarder-progress";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string FlowKey(string flowLogId) =>
        $"AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_{flowLogId}_20261122T1005Z_ab.log.gz";

    private async Task<(string Bucket, string Key)> PutObjectAsync(string flowLogId, int records)
    {
        var bucket = "boundary-" + Guid.NewGuid().ToString("N")[..12];
        await aws.S3.PutBucketAsync(bucket);
        var key = FlowKey(flowLogId);
        using var body = new MemoryStream(GzipObject(records));
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body });
        return (bucket, key);
    }

    private Dictionary<string, string> Environment(RuntimeApiEmulator runtime, LoopbackSigNozServer signoz, params (string Name, string Value)[] extra)
    {
        var environment = aws.BootstrapEnvironment(runtime, signoz.Endpoint);
        environment["AWS_LAMBDA_FUNCTION_NAME"] = "flowlog-forwarder";
        environment["SIGNOZ_INGESTION_KEY"] = Key;
        environment["SIGNOZ_MAX_ATTEMPTS"] = "2";
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }
        return environment;
    }

    private async Task<List<Tag>> ProgressTagsAsync(string bucket, string key)
    {
        var tagging = await aws.S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key });
        var tags = (tagging.Tagging ?? []).Where(t => t.Key.StartsWith(ProgressTagPrefix, StringComparison.Ordinal)).ToList();
        output.WriteLine("progress tags: " + string.Join(", ", tags.Select(t => $"{t.Key}={t.Value}")));
        return tags;
    }

    private static JsonElement ObjectSummaryLine(string log, string message) => JsonDocument.Parse(
        Assert.Single(log.Split('\n'), l => l.Contains($"\"message\":\"{message}\"", StringComparison.Ordinal))).RootElement.Clone();

    private static string ErrorMessage(InvocationOutcome outcome) =>
        JsonDocument.Parse(outcome.Body).RootElement.GetProperty("errorMessage").GetString()!;

    [Theory]
    [InlineData(302)]
    [InlineData(307)]
    public async Task A_redirect_fails_the_invocation_sends_nothing_elsewhere_and_never_tags_the_object_done(int status)
    {
        var (bucket, key) = await PutObjectAsync($"fl-redirect-{status}", 200);
        await using var elsewhere = await LoopbackSigNozServer.StartAsync();
        await using var signoz = await LoopbackSigNozServer.StartAsync(Key);
        signoz.FaultFor = _ => new ServerFault.Redirect(status, elsewhere.Endpoint);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(Environment(runtime, signoz));

        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, key), Timeout);

        output.WriteLine(bootstrap.Output);
        Assert.True(outcome.IsError, $"the invocation answered ok: {outcome.Body}");
        Assert.Equal("ForwardingFailed", outcome.ErrorType);
        var message = ErrorMessage(outcome);
        Assert.Contains($"HTTP {status}", message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", message, StringComparison.Ordinal);
        Assert.Equal(0, elsewhere.Requests);
        Assert.Null(elsewhere.LastHeaders);
        Assert.Equal(0, signoz.RecordsAccepted);
        Assert.DoesNotContain(await ProgressTagsAsync(bucket, key), t => t.Value.EndsWith("/done", StringComparison.Ordinal));
        Assert.DoesNotContain(Key, bootstrap.Output + outcome.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_body_quoting_the_key_is_redacted_in_the_log_and_the_Runtime_API_error()
    {
        var (bucket, key) = await PutObjectAsync("fl-echo", 50);
        await using var signoz = await LoopbackSigNozServer.StartAsync();
        signoz.FaultFor = _ => new ServerFault.WithBody(401, $"unknown ingestion key '{Key}' (header signoz-ingestion-key={Key})");
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(Environment(runtime, signoz));

        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, key), Timeout);

        output.WriteLine(bootstrap.Output);
        output.WriteLine(outcome.Body);
        Assert.Equal(Key, signoz.LastHeaders?["signoz-ingestion-key"].ToString());
        Assert.True(outcome.IsError, outcome.Body);
        Assert.DoesNotContain(Key, outcome.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, bootstrap.Output, StringComparison.Ordinal);
        var message = ErrorMessage(outcome);
        Assert.Contains("401", message, StringComparison.Ordinal);
        Assert.Contains("[redacted]", message, StringComparison.Ordinal);
        Assert.Contains("[redacted]", ObjectSummaryLine(bootstrap.Output, "object failed").GetProperty("summary").Str("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_500_MB_error_body_fails_the_invocation_with_a_summary_in_small_memory()
    {
        var (bucket, key) = await PutObjectAsync("fl-huge", 100);
        await using var signoz = await LoopbackSigNozServer.StartAsync(Key);
        signoz.FaultFor = _ => new ServerFault.HugeBody(500, 500L * 1024 * 1024);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(Environment(runtime, signoz, ("SIGNOZ_MAX_ATTEMPTS", "1"), ("SIGNOZ_ATTEMPT_TIMEOUT_SECONDS", "20")));

        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, key), Timeout);

        output.WriteLine(bootstrap.Output);
        Assert.True(outcome.IsError, outcome.Body);
        Assert.Equal("ForwardingFailed", outcome.ErrorType);
        Assert.Contains("HTTP 500", ErrorMessage(outcome), StringComparison.Ordinal);
        Assert.True(outcome.Body.Length < 2000, $"the error payload is {outcome.Body.Length} characters");
        var line = ObjectSummaryLine(bootstrap.Output, "object failed");
        Assert.Equal("Failed", line.GetProperty("summary").Str("outcome"));
        Assert.Equal(100, line.GetProperty("summary").Num("recordsFailed"));
        var logged = line.Num("peakRssBytes");
        var measured = bootstrap.PeakResidentBytes();
        output.WriteLine($"peak RSS with a 500 MB error body: logged {logged / 1048576.0:F1} MiB, /proc {measured / 1048576.0:F1} MiB");
        Assert.True(logged is > 0 and < 128L * 1024 * 1024, $"logged peak RSS {logged / 1048576} MiB: the error body was buffered");
        Assert.True(measured < 128L * 1024 * 1024, $"peak RSS {measured / 1048576} MiB: the error body was buffered");
        Assert.False(bootstrap.HasExited, "the bootstrap exited instead of serving the next invocation");
    }

    [Fact]
    public async Task Three_bad_records_in_ten_thousand_are_counted_by_line_and_the_rest_delivered()
    {
        long[] bad = [17, 4321, 9990];
        var (bucket, key) = await PutObjectAsync("fl-bisect", 10_000);
        await using var signoz = await LoopbackSigNozServer.StartAsync(Key, PacketsId, keepBodies: false);
        signoz.RefuseRecord = RefuseIds(bad);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(Environment(runtime, signoz));

        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, key), Timeout);

        output.WriteLine(bootstrap.Output);
        Assert.False(outcome.IsError, outcome.Body);
        Assert.Equal("""{"status":"ok"}""", outcome.Body);
        Assert.Equal(9_997, signoz.RecordsAccepted);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i).Except(bad), signoz.AcceptedIds.SelectMany(ids => ids).Order());
        var summary = ObjectSummaryLine(bootstrap.Output, "object completed").GetProperty("summary");
        Assert.Equal(9_997, summary.Num("recordsForwarded"));
        Assert.Equal(3, summary.Num("recordsRejected"));
        Assert.Equal(bad.Select(LineOf), summary.GetProperty("rejectedRecords").EnumerateArray().Select(r => r.Num("line")));
        output.WriteLine($"bootstrap: {summary.Num("batches")} batches, {summary.Num("splitRequests")} split requests, {signoz.Requests} requests at the receiver");
        Assert.Contains(await ProgressTagsAsync(bucket, key), t => t.Value.EndsWith("/done", StringComparison.Ordinal));
    }
    [Fact]
    public async Task An_SSM_key_stored_with_a_trailing_newline_is_trimmed_and_delivers()
    {
        var (bucket, key) = await PutObjectAsync("fl-ssm-newline", 40);
        var parameter = "/flowlog/" + Guid.NewGuid().ToString("N")[..8] + "/ingestion-key";
        await aws.Ssm.PutParameterAsync(new PutParameterRequest { Name = parameter, Value = Key + "\n", Type = ParameterType.SecureString });
        var stored = await aws.Ssm.GetParameterAsync(new GetParameterRequest { Name = parameter, WithDecryption = true });
        Assert.Equal(Key + "\n", stored.Parameter.Value); // what 'put-parameter --value file://key.txt' stores
        await using var signoz = await LoopbackSigNozServer.StartAsync(Key);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = Environment(runtime, signoz);
        environment.Remove("SIGNOZ_INGESTION_KEY");
        environment["SIGNOZ_INGESTION_KEY_PARAMETER"] = parameter;
        await using var bootstrap = BootstrapProcess.Start(environment);

        var started = await Task.WhenAny(runtime.FirstNextRequest, runtime.InitError, bootstrap.WaitForExitAsync(Timeout));
        output.WriteLine(bootstrap.Output);
        Assert.True(started == runtime.FirstNextRequest,
            $"the bootstrap did not start (exited: {bootstrap.HasExited}, init error: {runtime.InitError.IsCompleted}):\n{bootstrap.Output}");
        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, key), Timeout);

        Assert.False(outcome.IsError, outcome.Body);
        Assert.Equal(40, signoz.RecordsAccepted);
        Assert.Equal(Key, signoz.LastHeaders?["signoz-ingestion-key"].ToString());
    }

    [Theory]
    [InlineData("env")]
    [InlineData("ssm")]
    public async Task A_key_with_a_control_character_is_an_init_error_naming_the_setting_not_the_value(string source)
    {
        const string BadKey = "bad\u0001key-3e7a";
        await using var signoz = await LoopbackSigNozServer.StartAsync();
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = Environment(runtime, signoz);
        var setting = "SIGNOZ_INGESTION_KEY";
        if (source == "ssm")
        {
            var parameter = "/flowlog/" + Guid.NewGuid().ToString("N")[..8] + "/ingestion-key";
            await aws.Ssm.PutParameterAsync(new PutParameterRequest { Name = parameter, Value = BadKey, Type = ParameterType.SecureString });
            environment.Remove("SIGNOZ_INGESTION_KEY");
            environment["SIGNOZ_INGESTION_KEY_PARAMETER"] = parameter;
            setting = "SIGNOZ_INGESTION_KEY_PARAMETER";
        }
        else
        {
            environment["SIGNOZ_INGESTION_KEY"] = BadKey;
        }
        await using var bootstrap = BootstrapProcess.Start(environment);

        var ended = await Task.WhenAny(runtime.InitError, runtime.FirstNextRequest, bootstrap.WaitForExitAsync(Timeout));
        output.WriteLine(bootstrap.Output);
        Assert.True(ended == runtime.InitError,
            $"no /runtime/init/error (exited: {bootstrap.HasExited}, served /next: {runtime.FirstNextRequest.IsCompleted}):\n{bootstrap.Output}");
        var error = await runtime.InitError;
        Assert.Equal("Runtime.ConfigurationError", error.ErrorType);
        Assert.Contains(setting, ErrorMessage(error), StringComparison.Ordinal);
        Assert.DoesNotContain("key-3e7a", error.Body + bootstrap.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", bootstrap.Output, StringComparison.Ordinal);
        Assert.Equal(1, await bootstrap.WaitForExitAsync(Timeout));
        Assert.Equal(0, signoz.Requests);
    }
}
