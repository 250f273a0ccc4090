using Amazon.Runtime;
using Amazon.S3;
using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Storage;

/// <summary>The S3 client the function and the CLI share.</summary>
public static class S3ClientFactory
{
    /// <summary>Region by <see cref="AwsOptions"/>' rule (the one SSM and SQS use too); <see cref="AwsOptions.S3ServiceUrl"/>
    /// points it at another, path-style endpoint such as a local S3 for tests.</summary>
    public static AmazonS3Client Create(AwsOptions aws)
    {
        ArgumentNullException.ThrowIfNull(aws);
        var config = aws.Configure(new AmazonS3Config
        {
            // gzip's CRC-32, which every decompression checks, already covers a flow log object's bytes end to end.
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        }, aws.S3ServiceUrl);
        config.ForcePathStyle = aws.S3ServiceUrl is not null;
        return new AmazonS3Client(config);
    }
}
