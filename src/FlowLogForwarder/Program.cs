using FlowLogForwarder;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Runtime;

// The bootstrap of a provided.al2023 function: compose the Runtime API client and run the loop until Lambda stops the process.
var time = TimeProvider.System;
var log = new JsonLog(Console.Out, time);
if (Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API") is not { Length: > 0 } runtimeApi)
{
    log.Write("ERROR", "AWS_LAMBDA_RUNTIME_API is not set: this binary runs inside AWS Lambda (or sam local invoke)");
    return 2;
}
using var runtimeHttp = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
var bootstrap = new LambdaBootstrap(new RuntimeApiClient(runtimeHttp, runtimeApi, time), log);
return await bootstrap.RunAsync(stop => ForwarderFunction.InitializeAsync(Environment.GetEnvironmentVariable, log, time, stop), CancellationToken.None);
