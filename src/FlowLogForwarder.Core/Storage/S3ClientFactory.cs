using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Storage;

/// <summary>The S3 client the function and the CLI share, configured from the environment.</summary>
public static class S3ClientFactory
{
    /// <summary>Region from <c>AWS_REGION</c> (else the SDK's default chain); <c>FLOWLOG_S3_SERVICE_URL</c> points it at
    /// another, path-style endpoint such as a local S3 for tests. Credentials come from the SDK's default chain.</summary>
    public static AmazonS3Client FromEnvironment(Func<string, string?> environment)
    {
        var config = new AmazonS3Config
        {
            // gzip's CRC-32, which every decompression checks, already covers a flow log object's bytes end to end.
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (environment("AWS_REGION") is { Length: > 0 } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        if (environment(ForwarderOptions.Variables.S3ServiceUrl) is { Length: > 0 } url)
        {
            config.ServiceURL = url;
            config.ForcePathStyle = true;
        }
        return new AmazonS3Client(config);
    }
}
