using Amazon;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Lambda.Runtime;
using FlowLogForwarder.Storage;
using FlowLogForwarder.Pipeline;

// The bootstrap of a provided.al2023 function: initialise once per container, then serve invocations until Lambda
// stops the process. Start-up errors go to /runtime/init/error; invocation errors to /invocation/{id}/error.
var time = TimeProvider.System;
var log = new JsonLog(Console.Out, time);
var runtimeApi = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
if (string.IsNullOrEmpty(runtimeApi))
{
    log.Write("ERROR", "AWS_LAMBDA_RUNTIME_API is not set: this binary runs inside AWS Lambda (or sam local invoke)");
    return 2;
}
using var runtimeHttp = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
var runtime = new RuntimeApiClient(runtimeHttp, runtimeApi);

EventForwarder function;
HttpClient signozHttp;
try
{
    var options = ForwarderOptions.Load(Environment.GetEnvironmentVariable);
    var region = Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";
    var key = options.IngestionKey;
    if (options.IngestionKeyParameter is { } parameter)
    {
        var ssmConfig = new AmazonSimpleSystemsManagementConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(region) };
        if (Environment.GetEnvironmentVariable(ForwarderOptions.Variables.SsmServiceUrl) is { Length: > 0 } ssmUrl)
        {
            ssmConfig.ServiceURL = ssmUrl;
        }
        using var ssm = new AmazonSimpleSystemsManagementClient(ssmConfig);
        try
        {
            var response = await ssm.GetParameterAsync(new GetParameterRequest { Name = parameter, WithDecryption = true });
            key = IngestionKeyRule.Normalize(response.Parameter.Value, ForwarderOptions.Variables.IngestionKeyParameter, $"SSM parameter '{parameter}'");
        }
        catch (Amazon.Runtime.AmazonServiceException ex)
        {
            throw new ConfigurationException(ForwarderOptions.Variables.IngestionKeyParameter, $"reading SSM parameter '{parameter}' failed: {ex.Message}");
        }
    }
    signozHttp = SigNozClient.CreateHttpClient();
    var client = new SigNozClient(signozHttp, options.ClientOptions(key), time);
    var pipeline = new FlowLogPipeline(client, options.Pipeline, time);
    var s3 = S3ClientFactory.FromEnvironment(Environment.GetEnvironmentVariable);
    function = new EventForwarder(new ObjectForwarder(pipeline, s3, ForwardingPolicy.From(options), log, time), log, time,
        Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") ?? "flowlog-forwarder");
    log.Write("INFO", "initialised", ("config", options.ToString()));
}
catch (ConfigurationException ex)
{
    log.Write("ERROR", "start-up failed", ("error", ex.Message));
    await runtime.PostInitErrorAsync("Runtime.ConfigurationError", ex.Message, CancellationToken.None);
    return 1;
}

while (true)
{
    LambdaInvocation invocation;
    try
    {
        invocation = await runtime.NextAsync(CancellationToken.None);
    }
    catch (HttpRequestException ex)
    {
        log.Write("ERROR", "the Runtime API is unreachable; exiting", ("error", ex.Message));
        return 1;
    }
    Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
    try
    {
        var response = await function.HandleAsync(invocation.Event, invocation.RequestId, invocation.Deadline, CancellationToken.None);
        await runtime.PostResponseAsync(invocation.RequestId, response, CancellationToken.None);
    }
    catch (Exception ex) when (ex is ForwardingFailedException or InvalidEventException)
    {
        var type = ex is InvalidEventException ? "InvalidEvent" : "ForwardingFailed";
        log.Write("ERROR", "invocation failed", ("requestId", invocation.RequestId), ("errorType", type), ("error", ex.Message));
        await runtime.PostErrorAsync(invocation.RequestId, type, ex.Message, CancellationToken.None);
    }
#pragma warning disable CA1031 // One bad invocation must not take down the container: report it and serve the next.
    catch (Exception ex)
#pragma warning restore CA1031
    {
        log.Write("ERROR", "invocation failed unexpectedly", ("requestId", invocation.RequestId), ("errorType", ex.GetType().Name), ("error", ex.Message));
        await runtime.PostErrorAsync(invocation.RequestId, ex.GetType().Name, ex.Message, CancellationToken.None);
    }
}
