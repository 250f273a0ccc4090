using System.Text;
using System.Text.Json;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Runtime;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Runtime;

/// <summary>The invocation loop with the real Runtime API client against the loopback Runtime API emulator.</summary>
#pragma warning disable CA1001 // disposed in DisposeAsync, which xunit calls
public sealed class LambdaBootstrapTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly StringWriter _logs = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler()) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private RuntimeApiEmulator _runtime = null!;

    public async Task InitializeAsync() => _runtime = await RuntimeApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _runtime.DisposeAsync();
        _stop.Dispose();
        _http.Dispose();
        await _logs.DisposeAsync();
    }

    private Task<int> Run(LambdaHandler handler) => Run(_ => Task.FromResult(handler));

    private Task<int> Run(LambdaInitializer initialize, RuntimeApiEmulator? runtime = null) =>
        new LambdaBootstrap(new RuntimeApiClient(_http, (runtime ?? _runtime).Address, TimeProvider.System), new JsonLog(_logs, TimeProvider.System))
            .RunAsync(initialize, _stop.Token);

    private async Task StopAsync(Task<int> loop)
    {
        await _stop.CancelAsync();
        Assert.Equal(0, await loop.WaitAsync(Timeout));
    }

    [Fact]
    public async Task An_invocation_reaches_the_handler_with_its_context_and_the_answer_is_posted_as_its_response()
    {
        LambdaInvocation? seen = null;
        var loop = Run((invocation, _) =>
        {
            seen = invocation;
            return Task.FromResult("""{"status":"ok"}"""u8.ToArray());
        });

        var outcome = await _runtime.InvokeAsync("""{"Records":[]}""", Timeout, deadline: TimeSpan.FromMinutes(2));

        Assert.False(outcome.IsError);
        Assert.Equal("""{"status":"ok"}""", outcome.Body);
        Assert.NotNull(seen);
        Assert.StartsWith("req-", seen.RequestId, StringComparison.Ordinal);
        Assert.Equal("""{"Records":[]}""", Encoding.UTF8.GetString(seen.Event));
        Assert.InRange(seen.Deadline - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1.5), TimeSpan.FromMinutes(2));
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:flowlog-forwarder", seen.FunctionArn);
        Assert.StartsWith("Root=1-", seen.TraceId, StringComparison.Ordinal);
        Assert.Equal(seen.TraceId, Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"));
        await StopAsync(loop);
    }

    [Theory]
    [InlineData("forwarding", "ForwardingFailed")]
    [InlineData("event", "InvalidEvent")]
    [InlineData("unexpected", "InvalidOperationException")]
    public async Task A_failed_invocation_is_posted_as_an_error_of_its_type_and_the_next_invocation_is_served(string failure, string errorType)
    {
        var calls = 0;
        var loop = Run((_, _) => Interlocked.Increment(ref calls) == 1
            ? throw (failure switch
            {
                "forwarding" => new ForwardingFailedException("1 object(s) not fully delivered"),
                "event" => new InvalidEventException("the event is not JSON"),
                _ => (Exception)new InvalidOperationException("a bug"),
            })
            : Task.FromResult("""{"status":"ok"}"""u8.ToArray()));

        var failed = await _runtime.InvokeAsync("{}", Timeout);
        var next = await _runtime.InvokeAsync("{}", Timeout);

        Assert.True(failed.IsError);
        Assert.Equal(errorType, failed.ErrorType);
        var body = JsonDocument.Parse(failed.Body).RootElement;
        Assert.Equal(errorType, body.GetProperty("errorType").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("errorMessage").GetString()));
        Assert.Equal(0, body.GetProperty("stackTrace").GetArrayLength());
        Assert.False(next.IsError);
        Assert.Contains($"\"errorType\":\"{errorType}\"", _logs.ToString(), StringComparison.Ordinal);
        await StopAsync(loop);
    }

    [Theory]
    [InlineData(true, "Runtime.ConfigurationError")]
    [InlineData(false, "InvalidOperationException")]
    public async Task A_failed_start_up_is_posted_to_init_error_and_no_invocation_is_asked_for(bool configuration, string errorType)
    {
        var exitCode = await Run(_ => configuration
            ? throw new ConfigurationException("SIGNOZ_ENDPOINT", "is required")
            : throw new InvalidOperationException("no S3 region")).WaitAsync(Timeout);

        Assert.Equal(1, exitCode);
        var error = await _runtime.InitError.WaitAsync(Timeout);
        Assert.Equal(errorType, error.ErrorType);
        Assert.Equal(errorType, JsonDocument.Parse(error.Body).RootElement.GetProperty("errorType").GetString());
        Assert.False(_runtime.FirstNextRequest.IsCompleted);
        Assert.Contains("start-up failed", _logs.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_loop_ends_when_stopped_while_waiting_for_an_invocation()
    {
        var loop = Run((_, _) => Task.FromResult(Array.Empty<byte>()));
        await _runtime.FirstNextRequest.WaitAsync(Timeout);
        await StopAsync(loop);
    }

    [Fact]
    public async Task The_loop_exits_with_1_when_the_Runtime_API_goes_away()
    {
        var runtime = await RuntimeApiEmulator.StartAsync();
        var loop = Run(_ => Task.FromResult<LambdaHandler>((_, _) => Task.FromResult(Array.Empty<byte>())), runtime);
        await runtime.FirstNextRequest.WaitAsync(Timeout);

        await runtime.DisposeAsync();

        Assert.Equal(1, await loop.WaitAsync(Timeout));
        Assert.Contains("the Runtime API is unreachable", _logs.ToString(), StringComparison.Ordinal);
    }
}
