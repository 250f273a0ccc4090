using Amazon;
using Amazon.S3;
using Amazon.SimpleSystemsManagement;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Storage;

namespace FlowLogForwarder.Tests.Configuration;

/// <summary>One region rule for every AWS client: <c>AWS_REGION</c>, else the SDK's default chain.</summary>
public class AwsOptionsTests
{
    private static AwsOptions Load(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return AwsOptions.Load(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void AWS_REGION_sets_the_region_of_S3_and_SSM_alike()
    {
        var aws = Load(("AWS_REGION", "eu-central-1"));
        using var s3 = S3ClientFactory.Create(aws);
        var ssm = aws.Configure(new AmazonSimpleSystemsManagementConfig(), aws.SsmServiceUrl);
        Assert.Equal(RegionEndpoint.EUCentral1, s3.Config.RegionEndpoint);
        Assert.Equal(RegionEndpoint.EUCentral1, ssm.RegionEndpoint);
    }

    [Fact]
    public void Without_AWS_REGION_no_client_gets_a_region_written_in_the_code()
    {
        // No "us-east-1" fallback: the SDK's default chain (profile, instance metadata) decides, for S3 and SSM alike.
        var aws = Load();
        Assert.Null(aws.Region);
        Assert.Null(aws.Configure(new AmazonSimpleSystemsManagementConfig(), aws.SsmServiceUrl).RegionEndpoint);
        Assert.Null(aws.Configure(new AmazonS3Config(), aws.S3ServiceUrl).RegionEndpoint);
    }

    [Fact]
    public void A_service_url_points_only_its_own_client_elsewhere()
    {
        var aws = Load(("AWS_REGION", "us-east-1"), ("FLOWLOG_S3_SERVICE_URL", "http://127.0.0.1:5000"), ("FLOWLOG_SSM_SERVICE_URL", "http://127.0.0.1:5001"));
        using var s3 = S3ClientFactory.Create(aws);
        Assert.Equal(new Uri("http://127.0.0.1:5000"), new Uri(s3.Config.ServiceURL));
        Assert.True(((AmazonS3Config)s3.Config).ForcePathStyle);
        Assert.Equal(new Uri("http://127.0.0.1:5001"), new Uri(aws.Configure(new AmazonSimpleSystemsManagementConfig(), aws.SsmServiceUrl).ServiceURL));
        Assert.Null(aws.SqsServiceUrl);
    }

    [Theory]
    [InlineData("FLOWLOG_S3_SERVICE_URL")]
    [InlineData("FLOWLOG_SSM_SERVICE_URL")]
    [InlineData("FLOWLOG_SQS_SERVICE_URL")]
    public void A_service_url_that_is_not_one_fails_at_start_up_naming_the_variable(string variable)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load((variable, "localhost:5000")));
        Assert.Equal(variable, error.Variable);
    }

    [Fact]
    public void The_forwarder_options_carry_the_same_aws_settings()
    {
        var options = ForwarderOptions.Load(n => n switch
        {
            "SIGNOZ_ENDPOINT" => "https://x/logs/json",
            "AWS_REGION" => "ap-southeast-2",
            "FLOWLOG_SQS_SERVICE_URL" => "http://127.0.0.1:5002",
            _ => null,
        });
        Assert.Equal("ap-southeast-2", options.Aws.Region);
        Assert.Equal(new Uri("http://127.0.0.1:5002"), options.Aws.SqsServiceUrl);
    }
}
