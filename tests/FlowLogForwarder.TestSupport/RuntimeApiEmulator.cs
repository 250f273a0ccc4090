using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowLogForwarder.TestSupport;

/// <summary>What the function answered for one invocation.</summary>
public sealed record InvocationOutcome(bool IsError, string Body, string? ErrorType);

/// <summary>
/// The Lambda Runtime API (2018-06-01) on 127.0.0.1, as Lambda serves it to a custom runtime: hands out queued events
/// on /runtime/invocation/next and collects /response, /error and /runtime/init/error.
/// </summary>
public sealed class RuntimeApiEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<(string Id, byte[] Event, DateTimeOffset Deadline)> _pending = Channel.CreateUnbounded<(string, byte[], DateTimeOffset)>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationOutcome>> _outcomes = new();
    private readonly TaskCompletionSource<InvocationOutcome> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstNext = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sequence;

    private RuntimeApiEmulator(WebApplication app) => _app = app;

    /// <summary>The value for AWS_LAMBDA_RUNTIME_API: <c>127.0.0.1:PORT</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Completes when the runtime first asks for an invocation (it finished initialising).</summary>
    public Task FirstNextRequest => _firstNext.Task;

    /// <summary>Completes when the runtime reports an initialisation error.</summary>
    public Task<InvocationOutcome> InitError => _initError.Task;

    /// <summary>Starts the emulator on an ephemeral loopback port.</summary>
    public static async Task<RuntimeApiEmulator> StartAsync()
    {
        var app = LoopbackHost.Create();
        var emulator = new RuntimeApiEmulator(app);
        emulator.Address = $"127.0.0.1:{(await LoopbackHost.StartAsync(app, emulator.HandleAsync)).Port}";
        return emulator;
    }

    /// <summary>Queues an event and waits for the function's answer.</summary>
    public async Task<InvocationOutcome> InvokeAsync(string eventJson, TimeSpan timeout, TimeSpan? deadline = null)
    {
        var id = $"req-{Interlocked.Increment(ref _sequence):D4}";
        var outcome = new TaskCompletionSource<InvocationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _outcomes[id] = outcome;
        await _pending.Writer.WriteAsync((id, System.Text.Encoding.UTF8.GetBytes(eventJson), DateTimeOffset.UtcNow + (deadline ?? TimeSpan.FromMinutes(5))));
        return await outcome.Task.WaitAsync(timeout);
    }

    /// <summary>Stops the emulator; a runtime waiting on /next then sees its connection fail and exits.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (context.Request.Method == "GET" && path == "/2018-06-01/runtime/invocation/next")
        {
            _firstNext.TrySetResult();
            (string Id, byte[] Event, DateTimeOffset Deadline) next;
            try
            {
                next = await _pending.Reader.ReadAsync(context.RequestAborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                context.Abort();
                return;
            }
            context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = next.Id;
            context.Response.Headers["Lambda-Runtime-Deadline-Ms"] = next.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:123456789012:function:flowlog-forwarder";
            context.Response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(next.Event);
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
        if (path == "/2018-06-01/runtime/init/error")
        {
            _initError.TrySetResult(new InvocationOutcome(true, body, errorType));
            context.Response.StatusCode = 202;
            return;
        }
        var parts = path.Split('/');
        // /2018-06-01/runtime/invocation/{id}/(response|error)
        if (parts.Length == 6 && parts[3] == "invocation" && _outcomes.TryGetValue(parts[4], out var outcome))
        {
            outcome.TrySetResult(new InvocationOutcome(parts[5] == "error", body, parts[5] == "error" ? errorType : null));
            context.Response.StatusCode = 202;
            return;
        }
        context.Response.StatusCode = 404;
    }
}
