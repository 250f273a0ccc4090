using System.Text;
using System.Text.Json;
using Amazon.S3;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using FlowLogForwarder.Tests.Delivery;
using Moq;

namespace FlowLogForwarder.Tests.Handling;

/// <summary>CloudWatch Logs deliveries through the handler, a real pipeline and the loopback endpoint; S3 is never asked.</summary>
#pragma warning disable CA1001 // disposed in DisposeAsync, which xunit calls
public sealed class CloudWatchLogsForwardingTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(17);
    private readonly Mock<IAmazonS3> _s3 = new(MockBehavior.Strict);
    private readonly StringWriter _logs = new();
    private readonly HttpClient _http = SigNozClient.CreateHttpClient();
    private LoopbackSigNozServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackSigNozServer.StartAsync("k");

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _logs.DisposeAsync();
        await _server.DisposeAsync();
    }

    private EventForwarder Function(PipelineOptions? options = null)
    {
        var client = new SigNozClient(_http, new SigNozClientOptions
        {
            Endpoint = _server.Endpoint, IngestionKey = "k", MaxAttempts = 2, AttemptTimeout = AttemptTimeout,
        }, new RecordingTimeProvider(AttemptTimeout));
        var pipeline = new FlowLogPipeline(client, options ?? new PipelineOptions(), TimeProvider.System);
        var log = new JsonLog(_logs, TimeProvider.System);
        return new EventForwarder(new ObjectForwarder(pipeline, _s3.Object, new ForwardingPolicy(), log, TimeProvider.System), log, TimeProvider.System, "fn");
    }

    private Task<byte[]> InvokeAsync(string payload, PipelineOptions? options = null) =>
        Function(options).HandleAsync(Encoding.UTF8.GetBytes(CloudWatchLogsEvents.LambdaEvent(payload)), "req-1", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None);

    private List<JsonElement> Received() =>
        [.. _server.AcceptedBodies.SelectMany(b => JsonDocument.Parse(b).RootElement.EnumerateArray().Select(r => r.Clone()))];

    [Fact]
    public async Task Each_message_is_one_record_with_its_event_id_and_the_log_group_and_stream_as_resources()
    {
        var messages = Enumerable.Range(0, 3).Select(i => FlowLogGenerator.Line(i)).ToList();
        var response = await InvokeAsync(CloudWatchLogsEvents.DataPayload(messages));

        Assert.Equal("""{"status":"ok"}""", Encoding.UTF8.GetString(response));
        var records = Received();
        Assert.Equal(messages, records.Select(r => r.GetProperty("body").GetString()));
        Assert.Equal(["event-1", "event-2", "event-3"], records.Select(r => r.GetProperty("attributes").GetProperty("log.record.uid").GetString()));
        var resources = records[0].GetProperty("resources");
        Assert.Equal(CloudWatchLogsEvents.LogGroup, resources.GetProperty("aws.log.group.names").GetString());
        Assert.Equal(CloudWatchLogsEvents.LogStream, resources.GetProperty("aws.log.stream.names").GetString());
        Assert.Equal("123456789012", resources.GetProperty("cloud.account.id").GetString());
        Assert.False(resources.TryGetProperty("aws.s3.key", out _));
        Assert.Equal(2, records[2].GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64());
        var summary = _logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.TryGetProperty("summary", out _));
        Assert.Equal($"{CloudWatchLogsEvents.LogGroup}:{CloudWatchLogsEvents.LogStream}", summary.GetProperty("summary").GetProperty("objectKey").GetString());
        Assert.Equal(3, summary.GetProperty("summary").GetProperty("acknowledgedThroughLine").GetInt64());
        _s3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_control_message_is_acknowledged_and_sends_nothing()
    {
        var response = await InvokeAsync(CloudWatchLogsEvents.ControlPayload());

        Assert.Equal("""{"status":"ok"}""", Encoding.UTF8.GetString(response));
        Assert.Equal(0, _server.Requests);
        Assert.Contains("CloudWatch Logs control message acknowledged", _logs.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_in_a_custom_format_are_read_in_FLOWLOG_FORMAT_and_a_bad_one_is_counted_with_its_position()
    {
        var options = new PipelineOptions { HeaderlessLayout = FlowLogForwarder.Parsing.FlowLogFormat.Parse("${srcaddr} ${dstaddr} ${bytes} ${end}") };
        await InvokeAsync(CloudWatchLogsEvents.DataPayload(["10.0.0.1 10.0.0.2 100 1763805960", "10.0.0.1 10.0.0.2 lots 1763805960", "10.0.0.3 10.0.0.4 300 1763805961\n"]), options);

        var records = Received();
        Assert.Equal([100, 300], records.Select(r => r.GetProperty("attributes").GetProperty("aws.vpc.flow.bytes").GetInt64()));
        Assert.Equal(["event-1", "event-3"], records.Select(r => r.GetProperty("attributes").GetProperty("log.record.uid").GetString()));
        Assert.Contains("\"line\":2,\"reason\":\"BadNumber\",\"field\":\"bytes\"", _logs.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_the_endpoint_does_not_take_fails_the_invocation_so_Lambda_retries_it()
    {
        _server.Enqueue(new ServerFault.Status(503), new ServerFault.Status(503));

        var error = await Assert.ThrowsAsync<ForwardingFailedException>(() => InvokeAsync(CloudWatchLogsEvents.DataPayload([FlowLogGenerator.Line(0)])));

        Assert.Contains($"CloudWatch Logs {CloudWatchLogsEvents.LogGroup}:{CloudWatchLogsEvents.LogStream}", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.RecordsAccepted);
    }

    [Fact]
    public async Task Messages_that_are_not_flow_log_records_fail_the_invocation_rather_than_being_dropped()
    {
        var error = await Assert.ThrowsAsync<ForwardingFailedException>(() => InvokeAsync(CloudWatchLogsEvents.DataPayload(["START RequestId: 1 Version: $LATEST"])));

        Assert.Contains("not a flow log header", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Requests);
    }
}
