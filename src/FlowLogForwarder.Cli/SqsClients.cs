using Amazon.SQS;
using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Cli;

/// <summary>The SQS client the CLI's commands share: the region rule of <see cref="AwsOptions"/> and FLOWLOG_SQS_SERVICE_URL.</summary>
internal static class SqsClients
{
    /// <summary>A client for <paramref name="aws"/>'s region and SQS endpoint.</summary>
    public static AmazonSQSClient Create(AwsOptions aws) => new(aws.Configure(new AmazonSQSConfig(), aws.SqsServiceUrl));
}
