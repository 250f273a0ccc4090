using FlowLogForwarder.Configuration;
using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Logging;

namespace FlowLogForwarder.Runtime;

/// <summary>Answers one invocation with its response JSON, or throws to report an error.</summary>
public delegate Task<byte[]> LambdaHandler(LambdaInvocation invocation, CancellationToken cancellationToken);

/// <summary>Builds the handler once per container; a <see cref="ConfigurationException"/> names what is wrong.</summary>
public delegate Task<LambdaHandler> LambdaInitializer(CancellationToken cancellationToken);

/// <summary>
/// The custom runtime's loop, as Amazon.Lambda.RuntimeSupport's LambdaBootstrap runs it: initialise once (a failure goes
/// to /runtime/init/error), then fetch each invocation, run the handler, and post its response or its error. A failed
/// invocation never ends the loop; only an unreachable Runtime API or <c>stop</c> does.
/// </summary>
public sealed class LambdaBootstrap(RuntimeApiClient runtime, JsonLog log)
{
    /// <summary>The <c>errorType</c> Lambda records for a start-up that the configuration made fail.</summary>
    public const string ConfigurationErrorType = "Runtime.ConfigurationError";

    /// <summary>Initialises, then serves invocations until <paramref name="stop"/> fires or the Runtime API goes away.</summary>
    /// <returns>The process exit code: 0 when stopped, 1 when start-up failed or the Runtime API became unreachable.</returns>
    public async Task<int> RunAsync(LambdaInitializer initialize, CancellationToken stop)
    {
        LambdaHandler handler;
        try
        {
            handler = await initialize(stop).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever stops start-up must reach /init/error, or Lambda only sees the process exit.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await ReportInitErrorAsync(ex, stop).ConfigureAwait(false);
            return 1;
        }

        while (!stop.IsCancellationRequested)
        {
            try
            {
                var invocation = await runtime.NextAsync(stop).ConfigureAwait(false);
                await InvokeAsync(handler, invocation, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return 0;
            }
            catch (HttpRequestException ex)
            {
                log.Write("ERROR", "the Runtime API is unreachable; exiting", ("error", ex.Message));
                return 1;
            }
#pragma warning disable CA1031 // The Runtime API itself misbehaved (no request id, a broken answer): say so and exit, no stack trace.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                log.Write("ERROR", "the Runtime API's answer could not be used; exiting", ("errorType", ex.GetType().Name), ("error", ex.Message));
                return 1;
            }
        }
        return 0;
    }

    private async Task ReportInitErrorAsync(Exception error, CancellationToken stop)
    {
        var type = error is ConfigurationException ? ConfigurationErrorType : error.GetType().Name;
        log.Write("ERROR", "start-up failed", ("errorType", type), ("error", error.Message));
        try
        {
            await runtime.PostInitErrorAsync(type, error.Message, stop).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            log.Write("ERROR", "the Runtime API is unreachable; exiting", ("error", ex.Message));
        }
    }

    private async Task InvokeAsync(LambdaHandler handler, LambdaInvocation invocation, CancellationToken stop)
    {
        // The AWS SDK reads the trace header from here, so X-Ray links this invocation's S3 calls to it.
        Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
        byte[] response;
        try
        {
            response = await handler(invocation, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // One bad invocation must not take down the container: report it and serve the next.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var (type, message) = ex switch
            {
                ForwardingFailedException => ("ForwardingFailed", "invocation failed"),
                InvalidEventException => ("InvalidEvent", "invocation failed"),
                _ => (ex.GetType().Name, "invocation failed unexpectedly"),
            };
            log.Write("ERROR", message, ("requestId", invocation.RequestId), ("errorType", type), ("error", ex.Message));
            await runtime.PostErrorAsync(invocation.RequestId, type, ex.Message, stop).ConfigureAwait(false);
            return;
        }
        await runtime.PostResponseAsync(invocation.RequestId, response, stop).ConfigureAwait(false);
    }
}
