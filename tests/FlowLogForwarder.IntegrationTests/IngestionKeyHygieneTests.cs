using System.Text.Json;
using Amazon.S3.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>The ingestion key as SSM (moto's server) hands it to the published bootstrap: trimmed, or refused at start-up.</summary>
public sealed class IngestionKeyHygieneTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private const string Secret = "ssm-key-4e1d9b77c2";
    private const string Key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-key_20261122T1005Z_ab.log.gz";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Stores <paramref name="value"/> as a SecureString and checks moto kept it byte for byte (else the test proves nothing).</summary>
    private async Task<string> ParameterAsync(string value)
    {
        var name = "/flowlog/" + Guid.NewGuid().ToString("N")[..8] + "/ingestion-key";
        await aws.Ssm.PutParameterAsync(new PutParameterRequest { Name = name, Value = value, Type = ParameterType.SecureString });
        var stored = await aws.Ssm.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = true });
        Assert.Equal(value, stored.Parameter.Value);
        return name;
    }

    [Fact]
    public async Task A_key_stored_with_a_trailing_newline_reaches_SigNoz_trimmed_and_every_record_is_delivered()
    {
        var bucket = "keys-" + Guid.NewGuid().ToString("N")[..10];
        await aws.S3.PutBucketAsync(bucket);
        var file = Path.GetTempFileName();
        FlowLogGenerator.WriteGzip(file, 2_000);
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Key, FilePath = file });
        File.Delete(file);
        // What `aws ssm put-parameter --value file://key.txt` stores from an editor-saved file.
        var parameter = await ParameterAsync(Secret + "\n");
        await using var signoz = await LoopbackSigNozServer.StartAsync(Secret); // refuses any other key with 401
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = aws.BootstrapEnvironment(runtime, signoz.Endpoint);
        environment["SIGNOZ_INGESTION_KEY_PARAMETER"] = parameter;
        environment["SIGNOZ_MAX_ATTEMPTS"] = "1";
        await using var bootstrap = BootstrapProcess.Start(environment);

        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, Key), Timeout);

        output.WriteLine(bootstrap.Output);
        Assert.False(outcome.IsError, outcome.Body);
        Assert.Equal(2_000, signoz.RecordsAccepted);
        Assert.Equal(Secret, signoz.LastHeaders!["signoz-ingestion-key"].ToString());
        Assert.DoesNotContain(Secret, bootstrap.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ssm-key-\u0001-4e1d9b77c2")]
    [InlineData("ssm-key-4e1d9b77c2\r\nX-Injected: yes")]
    public async Task A_key_with_a_control_character_inside_is_an_init_error_naming_the_parameter_not_the_key(string stored)
    {
        var parameter = await ParameterAsync(stored);
        await using var signoz = await LoopbackSigNozServer.StartAsync(Secret);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        var environment = aws.BootstrapEnvironment(runtime, signoz.Endpoint);
        environment["SIGNOZ_INGESTION_KEY_PARAMETER"] = parameter;
        await using var bootstrap = BootstrapProcess.Start(environment);

        var error = await runtime.InitError.WaitAsync(Timeout);

        Assert.Equal(1, await bootstrap.WaitForExitAsync(Timeout));
        output.WriteLine(bootstrap.Output);
        Assert.Equal("Runtime.ConfigurationError", error.ErrorType);
        var message = JsonDocument.Parse(error.Body).RootElement.GetProperty("errorMessage").GetString()!;
        Assert.StartsWith($"SIGNOZ_INGESTION_KEY_PARAMETER: SSM parameter '{parameter}' contains", message, StringComparison.Ordinal);
        foreach (var part in new[] { "ssm-key", "4e1d9b77c2", "X-Injected" })
        {
            Assert.DoesNotContain(part, error.Body + bootstrap.Output, StringComparison.Ordinal);
        }
        Assert.Equal(0, signoz.Requests);
    }
}
