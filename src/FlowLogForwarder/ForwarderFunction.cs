using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Runtime;
using FlowLogForwarder.Storage;

namespace FlowLogForwarder;

/// <summary>The Lambda function (template.yaml's ForwarderFunction): its handler, composed once per container from the environment.</summary>
internal static class ForwarderFunction
{
    /// <summary>Reads the configuration (and the ingestion key from SSM when so configured) and builds the handler.</summary>
    /// <param name="environment">Looks up a variable.</param>
    /// <param name="log">The function's log.</param>
    /// <param name="time">The clock for deadlines, retries and log lines.</param>
    /// <param name="cancellationToken">Stops start-up.</param>
    public static async Task<LambdaHandler> InitializeAsync(Func<string, string?> environment, JsonLog log, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var options = ForwarderOptions.Load(environment);
        var key = options.IngestionKeyParameter is { } parameter
            ? await ReadKeyParameterAsync(options.Aws, parameter, cancellationToken).ConfigureAwait(false)
            : options.IngestionKey;
        // Both clients live as long as the container: connections are reused across invocations.
        var exporter = ExporterFactory.Create(options, key, SigNozClient.CreateHttpClient(), time,
            warning => log.Write("WARN", "compression turned off", ("reason", warning)));
        var s3 = S3ClientFactory.Create(options.Aws);
        var pipeline = new FlowLogPipeline(exporter, options.Pipeline, time);
        var forwarder = new EventForwarder(new ObjectForwarder(pipeline, s3, ForwardingPolicy.From(options), log, time), log, time,
            environment("AWS_LAMBDA_FUNCTION_NAME") ?? "flowlog-forwarder");
        log.Write("INFO", "initialised", ("config", options.ToString()));
        return (invocation, token) => forwarder.HandleAsync(invocation.Event, invocation.RequestId, invocation.Deadline, token);
    }

    private static async Task<string> ReadKeyParameterAsync(AwsOptions aws, string parameter, CancellationToken cancellationToken)
    {
        using var ssm = new AmazonSimpleSystemsManagementClient(aws.Configure(new AmazonSimpleSystemsManagementConfig(), aws.SsmServiceUrl));
        try
        {
            var response = await ssm.GetParameterAsync(new GetParameterRequest { Name = parameter, WithDecryption = true }, cancellationToken)
                .ConfigureAwait(false);
            return IngestionKeyRule.Normalize(response.Parameter.Value, ForwarderOptions.Variables.IngestionKeyParameter, $"SSM parameter '{parameter}'");
        }
        catch (Amazon.Runtime.AmazonServiceException ex)
        {
            throw new ConfigurationException(ForwarderOptions.Variables.IngestionKeyParameter, $"reading SSM parameter '{parameter}' failed: {ex.Message}");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // SSM unreachable (a VPC without a route or endpoint to it): the SDK times out or cannot connect.
            throw new ConfigurationException(ForwarderOptions.Variables.IngestionKeyParameter,
                $"reading SSM parameter '{parameter}' failed: SSM could not be reached ({ex.GetType().Name}); a function in a VPC needs a route or an SSM VPC endpoint");
        }
    }
}
