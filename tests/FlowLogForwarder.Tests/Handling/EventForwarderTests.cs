using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using FlowLogForwarder.Tests.Delivery;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace FlowLogForwarder.Tests.Handling;

/// <summary>The handler with a real pipeline and loopback endpoint; only the S3 client (a true seam) is mocked.</summary>
#pragma warning disable CA1001 // disposed in DisposeAsync, which xunit calls
public sealed class EventForwarderTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_ab.log.gz";
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

    // The handler's clock is `clock` (the system's unless a test drives it); delivery keeps its own.
    private EventForwarder Function(int maxAttempts = 3, TimeProvider? clock = null, PipelineOptions? options = null)
    {
        clock ??= TimeProvider.System;
        var client = new SigNozClient(_http, new SigNozClientOptions
        {
            Endpoint = _server.Endpoint, IngestionKey = "k", MaxAttempts = maxAttempts, AttemptTimeout = AttemptTimeout,
        }, new RecordingTimeProvider(AttemptTimeout));
        var pipeline = new FlowLogPipeline(client, options ?? new PipelineOptions(), TimeProvider.System);
        var log = new JsonLog(_logs, clock);
        return new EventForwarder(new ObjectForwarder(pipeline, _s3.Object, new ForwardingPolicy(), log, clock), log, clock, "fn");
    }

    // S3 answers only when the token is cancelled, as a read that outlives the invocation would.
    private TaskCompletionSource ServeObjectThatNeverArrives()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .Returns(async (GetObjectRequest _, CancellationToken token) =>
            {
                asked.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
                return new GetObjectResponse();
            });
        return asked;
    }

    private void ServeObject(string key, int records)
    {
        _s3.Setup(s => s.GetObjectAsync(It.Is<GetObjectRequest>(r => r.Key == key), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                var text = new MemoryStream();
                FlowLogGenerator.Write(text, records);
                return new GetObjectResponse { ResponseStream = TestHelpers.Gzip(Encoding.UTF8.GetString(text.ToArray())) };
            });
    }

    private static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    private static DateTimeOffset Soon => DateTimeOffset.UtcNow.AddMinutes(5);

    [Fact]
    public async Task An_S3_event_forwards_the_named_version_and_logs_a_summary_and_metrics()
    {
        GetObjectRequest? seen = null;
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .Callback<GetObjectRequest, CancellationToken>((r, _) => seen = r)
            .ReturnsAsync(() => new GetObjectResponse { ResponseStream = TestHelpers.Gzip(FlowLogGenerator.DefaultHeader + "\n" + FlowLogGenerator.Line(1) + "\n") });

        var response = await Function().HandleAsync(Bytes(S3Events.ObjectCreated(Key)), "req-1", Soon, CancellationToken.None);

        Assert.Equal("""{"status":"ok"}""", Encoding.UTF8.GetString(response));
        Assert.Equal(1, _server.RecordsAccepted);
        Assert.Equal("v1", seen!.VersionId);
        Assert.Equal("flow-logs-bucket", seen.BucketName);
        var lines = _logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var summary = lines.Single(l => l.TryGetProperty("summary", out _));
        Assert.Equal(1, summary.GetProperty("summary").GetProperty("recordsForwarded").GetInt64());
        var emf = lines.Single(l => l.TryGetProperty("_aws", out _));
        Assert.Equal(1, emf.GetProperty("RecordsForwarded").GetInt64());
        Assert.Equal("FlowLogForwarder", emf.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
        Assert.True(emf.GetProperty("LagSeconds").GetDouble() > 0);
    }

    [Fact]
    public async Task An_SQS_batch_reports_only_the_failed_messages()
    {
        var goodKey = Key;
        var missingKey = Key.Replace("fl-1", "fl-missing", StringComparison.Ordinal);
        ServeObject(goodKey, 50);
        _s3.Setup(s => s.GetObjectAsync(It.Is<GetObjectRequest>(r => r.Key == missingKey), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("The specified key does not exist.") { StatusCode = System.Net.HttpStatusCode.NotFound });
        var json = JsonSerializer.Serialize(new
        {
            Records = new[]
            {
                new { messageId = "ok-1", eventSource = "aws:sqs", body = S3Events.ObjectCreated(goodKey) },
                new { messageId = "missing-2", eventSource = "aws:sqs", body = S3Events.ObjectCreated(missingKey) },
                new { messageId = "garbage-3", eventSource = "aws:sqs", body = "{" },
            },
        });

        var response = await Function().HandleAsync(Bytes(json), "req-1", Soon, CancellationToken.None);

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"missing-2"},{"itemIdentifier":"garbage-3"}]}""", Encoding.UTF8.GetString(response));
        Assert.Equal(50, _server.RecordsAccepted);
        Assert.Contains("The specified key does not exist", _logs.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_direct_event_whose_delivery_fails_throws_so_Lambda_retries_it()
    {
        ServeObject(Key, 10);
        _server.Enqueue(Enumerable.Repeat<ServerFault>(new ServerFault.Status(503), 5).ToArray());
        var error = await Assert.ThrowsAsync<ForwardingFailedException>(() => Function(maxAttempts: 2).HandleAsync(Bytes(S3Events.ObjectCreated(Key)), "req-1", Soon, CancellationToken.None));
        Assert.Contains(Key, error.Message, StringComparison.Ordinal);
        Assert.Contains("RetriesExhausted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_flow_log_objects_and_the_test_event_are_acknowledged_without_reading_S3()
    {
        var response = await Function().HandleAsync(Bytes(S3Events.ObjectCreated("AWSLogs/1/CloudTrail/x.json.gz", "logs/folder/")), "req-1", Soon, CancellationToken.None);
        Assert.Equal("""{"status":"ok"}""", Encoding.UTF8.GetString(response));
        await Function().HandleAsync(Bytes("""{"Service":"Amazon S3","Event":"s3:TestEvent"}"""), "req-1", Soon, CancellationToken.None);
        _s3.VerifyNoOtherCalls();
        Assert.Contains("not a VPC flow log key", _logs.ToString(), StringComparison.Ordinal);
        Assert.Contains("s3:TestEvent acknowledged", _logs.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_past_deadline_stops_delivery_and_fails_the_invocation()
    {
        ServeObject(Key, 10);
        await Assert.ThrowsAsync<ForwardingFailedException>(() =>
            Function().HandleAsync(Bytes(S3Events.ObjectCreated(Key)), "req-1", DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(0, _server.RecordsAccepted);
    }

    [Fact]
    public async Task The_deadline_runs_on_the_injected_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var asked = ServeObjectThatNeverArrives();
        var handling = Function(clock: clock).HandleAsync(Bytes(S3Events.ObjectCreated(Key)), "req-1", clock.GetUtcNow().AddMinutes(10), CancellationToken.None);
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(10));

        clock.Advance(TimeSpan.FromMinutes(10) - EventForwarder.DeadlineReserve - TimeSpan.FromSeconds(1));
        await Task.Delay(200);
        Assert.False(handling.IsCompleted, "the work stopped before the deadline less its reserve");

        clock.Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<ForwardingFailedException>(() => handling.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_deadline_only_the_callers_token_stops_the_work()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var asked = ServeObjectThatNeverArrives();
        using var stop = new CancellationTokenSource();
        var handling = Function(clock: clock).HandleAsync(Bytes(S3Events.ObjectCreated(Key)), "req-1", deadline: null, stop.Token);
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(10));

        clock.Advance(TimeSpan.FromDays(400));
        await Task.Delay(200);
        Assert.False(handling.IsCompleted, "a replay without a deadline stopped on its own");

        await stop.CancelAsync();
        await Assert.ThrowsAsync<ForwardingFailedException>(() => handling.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    // ---- CloudWatch Logs subscription deliveries: S3 is never asked ----

    private Task<byte[]> InvokeAsync(string payload, PipelineOptions? options = null) =>
        Function(options: options).HandleAsync(Encoding.UTF8.GetBytes(CloudWatchLogsEvents.LambdaEvent(payload)), "req-1", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None);

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
        _server.Enqueue(new ServerFault.Status(503), new ServerFault.Status(503), new ServerFault.Status(503)); // every attempt

        var error = await Assert.ThrowsAsync<ForwardingFailedException>(() => InvokeAsync(CloudWatchLogsEvents.DataPayload([FlowLogGenerator.Line(0)])));

        Assert.Contains($"CloudWatch Logs {CloudWatchLogsEvents.LogGroup}:{CloudWatchLogsEvents.LogStream}", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.RecordsAccepted);
    }

    [Fact]
    public async Task Messages_that_are_not_flow_log_records_fail_the_invocation_rather_than_being_dropped()
    {
        var error = await Assert.ThrowsAsync<ForwardingFailedException>(() => InvokeAsync(CloudWatchLogsEvents.DataPayload(["START RequestId: 1 Version: $LATEST"])));

        Assert.Contains("no line is a record in the configured format (14 fields, FLOWLOG_FORMAT)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Requests);
    }
}
