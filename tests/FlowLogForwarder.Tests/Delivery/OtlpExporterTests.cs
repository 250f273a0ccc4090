using System.Text.Json;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using FlowLogForwarder.Tests.Dashboards;
using OpenTelemetry.Proto.Common.V1;

namespace FlowLogForwarder.Tests.Delivery;

/// <summary>The OTLP/HTTP exporter against a receiver that decodes with types generated from the official .proto files.</summary>
public sealed class OtlpExporterTests : IAsyncLifetime
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(17);
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 30, 0, TimeSpan.Zero);
    private static readonly string Samples = Path.Combine(RepoPaths.Root, "tests", "samples");
    private LoopbackOtlpServer _server = null!;
    private readonly HttpClient _http = SigNozClient.CreateHttpClient();

    public async Task InitializeAsync() => _server = await LoopbackOtlpServer.StartAsync("k");

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    public static TheoryData<string, BodyCompression> SampleFiles()
    {
        var data = new TheoryData<string, BodyCompression>();
        foreach (var file in Directory.GetFiles(Samples, "*.log.gz").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file), BodyCompression.Auto);
        }
        data.Add(Path.GetFileName(Directory.GetFiles(Samples, "*.log.gz").Order(StringComparer.Ordinal).First()), BodyCompression.None);
        return data;
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public async Task Every_sample_record_decodes_to_what_the_JSON_path_sends(string sample, BodyCompression compression)
    {
        var key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/" + sample;
        var (jsonSummary, json, _) = await TestHelpers.RunAsync(File.OpenRead(Path.Combine(Samples, sample)), key: key);

        var summary = await ForwardAsync(File.OpenRead(Path.Combine(Samples, sample)), key, compression, batchRecords: 7);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(jsonSummary.RecordsForwarded, summary.RecordsForwarded);
        Assert.All(_server.Encodings, e => Assert.Equal(compression == BodyCompression.None ? "identity" : "gzip", e));
        var otlp = _server.Records;
        Assert.Equal(json.Count, otlp.Count);
        for (var i = 0; i < json.Count; i++)
        {
            var (resource, record) = otlp[i];
            var expected = json[i];
            Assert.Equal(expected.TryGetProperty("timestamp", out var ts) ? ts.GetUInt64() : 0UL, record.TimeUnixNano);
            Assert.Equal((ulong)(Now - DateTimeOffset.UnixEpoch).Ticks * 100, record.ObservedTimeUnixNano);
            Assert.Equal(expected.GetProperty("severity_text").GetString(), record.SeverityText);
            Assert.Equal(expected.GetProperty("severity_number").GetInt32(), (int)record.SeverityNumber);
            Assert.Equal(AnyValue.ValueOneofCase.StringValue, record.Body.ValueCase);
            Assert.Equal(expected.GetProperty("body").GetString(), record.Body.StringValue);
            Assert.Equal(Flatten(expected.GetProperty("attributes")), Flatten(record.Attributes));
            Assert.Equal(Flatten(expected.GetProperty("resources")), Flatten(resource.Attributes));
        }
    }

    [Theory]
    [InlineData(BodyMode.Summary)]
    [InlineData(BodyMode.None)]
    public async Task Each_body_mode_decodes_to_the_body_the_JSON_path_sends_in_that_mode(BodyMode body)
    {
        var sample = Directory.GetFiles(Samples, "*.log.gz").Order(StringComparer.Ordinal).First();
        var key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/" + Path.GetFileName(sample);
        var (_, json, _) = await TestHelpers.RunAsync(File.OpenRead(sample), new PipelineOptions { Body = body }, key);

        var summary = await ForwardAsync(File.OpenRead(sample), key, BodyCompression.Gzip, batchRecords: 7, body);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        var otlp = _server.Records;
        Assert.Equal(json.Count, otlp.Count);
        for (var i = 0; i < json.Count; i++)
        {
            var record = otlp[i].Record;
            if (body == BodyMode.None)
            {
                Assert.False(json[i].TryGetProperty("body", out _));
                Assert.Null(record.Body);
            }
            else
            {
                Assert.Equal(json[i].GetProperty("body").GetString(), record.Body.StringValue);
            }
            Assert.Equal(Flatten(json[i].GetProperty("attributes")), Flatten(record.Attributes));
        }
    }

    [Fact]
    public async Task The_observed_time_is_read_once_per_object_so_records_carry_no_per_record_clock_bytes()
    {
        var clock = new TickingClock();

        var summary = await ForwardAsync(Generated(50), "k.log.gz", BodyCompression.None, batchRecords: 10, clock: clock);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        var observed = _server.Records.Select(r => r.Record.ObservedTimeUnixNano).Distinct().ToList();
        var only = Assert.Single(observed);
        Assert.InRange(only, (ulong)(Now - DateTimeOffset.UnixEpoch).Ticks * 100, (ulong)(clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100);
    }

    [Fact]
    public async Task A_partial_success_counts_the_rejected_records_with_the_servers_message_and_is_not_retried()
    {
        _server.Enqueue(new ServerFault.PartialSuccess(3, "3 records had a bad timestamp"));

        var summary = await ForwardAsync(Generated(20), "k.log.gz", BodyCompression.Gzip, batchRecords: 10);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(2, _server.Requests);
        Assert.Equal(0, summary.Retries);
        Assert.Equal(3, summary.RecordsRejected);
        Assert.Equal(17, summary.RecordsForwarded);
        Assert.Equal(0, summary.RecordsFailed);
        var rejection = Assert.Single(summary.RejectedRecords);
        Assert.Equal(200, rejection.HttpStatus);
        Assert.Contains("3 records had a bad timestamp", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(21, summary.AcknowledgedThroughLine);
    }

    [Fact]
    public async Task A_400_is_split_until_the_one_bad_record_is_isolated()
    {
        _server.RefuseRecord = r => r.Attributes.Any(a => a.Key == "aws.vpc.flow.packets" && a.Value.IntValue == 13) ? "bad record" : null;

        var summary = await ForwardAsync(Generated(40), "k.log.gz", BodyCompression.Gzip, batchRecords: 40);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(39, summary.RecordsForwarded);
        var rejected = Assert.Single(summary.RejectedRecords);
        Assert.Equal(15, rejected.Line); // header, then packets 0, 1, ...: packets 13 is line 15
        Assert.Contains("bad record", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(39, _server.Records.Count);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task The_statuses_OTLP_calls_retryable_are_retried(int status)
    {
        _server.Enqueue(new ServerFault.Status(status, "1"));

        var summary = await ForwardAsync(Generated(5), "k.log.gz", BodyCompression.Gzip, batchRecords: 10);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(1, summary.Retries);
        Assert.Equal(5, summary.RecordsForwarded);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(501)]
    [InlineData(408)]
    [InlineData(401)]
    public async Task Any_other_failure_stops_the_object_without_a_retry(int status)
    {
        _server.Enqueue(new ServerFault.Status(status));

        var summary = await ForwardAsync(Generated(5), "k.log.gz", BodyCompression.Gzip, batchRecords: 10);

        Assert.Equal(ObjectOutcome.Failed, summary.Outcome);
        Assert.Equal(1, _server.Requests);
        Assert.Equal(5, summary.RecordsFailed);
        Assert.Equal(0, summary.RecordsForwarded);
    }

    [Fact]
    public void The_protocol_is_read_from_SIGNOZ_PROTOCOL_and_a_wrong_value_names_the_variable()
    {
        static ForwarderOptions Load(string? protocol) => ForwarderOptions.Load(
            name => name == ForwarderOptions.Variables.Protocol ? protocol : name == ForwarderOptions.Variables.Endpoint ? "https://ingest.us.signoz.cloud:443/v1/logs" : null);

        Assert.Equal(SigNozProtocol.Json, Load(null).Pipeline.Protocol);
        Assert.Equal(SigNozProtocol.Otlp, Load("OTLP").Pipeline.Protocol);
        Assert.Equal(SigNozProtocol.Otlp, Load("otlp").ClientOptions(null).Protocol);
        var error = Assert.Throws<ConfigurationException>(() => Load("grpc"));
        Assert.Contains(ForwarderOptions.Variables.Protocol, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_of_the_other_protocol_is_refused_rather_than_sent()
    {
        var client = new SigNozClient(_http, new SigNozClientOptions { Endpoint = _server.Endpoint, Protocol = SigNozProtocol.Otlp }, TimeProvider.System);
        var pipeline = new FlowLogPipeline(client, new PipelineOptions(), TimeProvider.System);

        var summary = await pipeline.ForwardAsync(Generated(2), FlowLogSource.FromKey("b", "k.log.gz"), CancellationToken.None);

        // The client throws rather than send it; the pipeline turns any exporter fault into a failed object.
        Assert.Equal(ObjectOutcome.Failed, summary.Outcome);
        Assert.Contains("InvalidOperationException", summary.Error, StringComparison.Ordinal);
        Assert.Equal(0, summary.RecordsForwarded);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task Event_ids_network_type_and_the_log_stream_arrive_as_typed_attributes()
    {
        // A CloudWatch Logs delivery: the event id, the derived network.type and the log group and stream, typed.
        var client = new SigNozClient(_http, new SigNozClientOptions { Protocol = SigNozProtocol.Otlp, Endpoint = _server.Endpoint, IngestionKey = "k" }, TimeProvider.System);
        var pipeline = new FlowLogPipeline(client, new PipelineOptions { Protocol = SigNozProtocol.Otlp }, TimeProvider.System);
        FlowLogForwarder.Events.CloudWatchLogEvent[] events = [new("3762", 1, FlowLogGenerator.Line(0)), new("3763", 2, "2 123456789012 eni-1 2001:db8::1 2001:db8::2 443 80 6 1 40 1763805900 1763805960 ACCEPT OK")];
        await using var source = new FlowLogForwarder.Reading.LogEventSource(events, 4096);

        var summary = await pipeline.ForwardAsync(source, FlowLogSource.FromLogStream("123456789012", "/aws/vpc/flowlogs", "eni-1-all"), CancellationToken.None);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        var records = _server.Records;
        Assert.Equal(["3762", "3763"], records.Select(r => r.Record.Attributes.Single(a => a.Key == "log.record.uid").Value.StringValue));
        Assert.Equal(["ipv4", "ipv6"], records.Select(r => r.Record.Attributes.Single(a => a.Key == "network.type").Value.StringValue));
        var resource = records[0].Resource.Attributes.ToDictionary(a => a.Key, a => a.Value.StringValue, StringComparer.Ordinal);
        Assert.Equal("/aws/vpc/flowlogs", resource["aws.log.group.names"]);
        Assert.Equal("eni-1-all", resource["aws.log.stream.names"]);
        Assert.False(resource.ContainsKey("aws.s3.key"));
    }

    private async Task<ForwardingSummary> ForwardAsync(Stream input, string key, BodyCompression compression, int batchRecords,
        BodyMode body = BodyMode.Line, TimeProvider? clock = null)
    {
        var client = new SigNozClient(_http, new SigNozClientOptions
        {
            Protocol = SigNozProtocol.Otlp,
            Compression = compression,
            Endpoint = _server.Endpoint,
            IngestionKey = "k",
            AttemptTimeout = AttemptTimeout,
        }, new RecordingTimeProvider(AttemptTimeout));
        var options = new PipelineOptions { Protocol = SigNozProtocol.Otlp, MaxBatchRecords = batchRecords, MaxInFlightBatches = 1, Body = body }; // requests arrive in order
        var pipeline = new FlowLogPipeline(client, options, clock ?? new FixedClock());
        return await pipeline.ForwardAsync(input, FlowLogSource.FromKey("flow-bucket", key), CancellationToken.None);
    }

    private static MemoryStream Generated(int records)
    {
        var text = new MemoryStream();
        FlowLogGenerator.Write(text, records);
        return TestHelpers.Gzip(System.Text.Encoding.UTF8.GetString(text.ToArray()));
    }

    private static SortedDictionary<string, string> Flatten(JsonElement json) =>
        new(json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Number ? "int:" + p.Value.GetRawText() : "str:" + p.Value.GetString()),
            StringComparer.Ordinal);

    private static SortedDictionary<string, string> Flatten(IEnumerable<KeyValue> attributes) =>
        new(attributes.ToDictionary(a => a.Key, a => a.Value.ValueCase switch
        {
            AnyValue.ValueOneofCase.IntValue => "int:" + a.Value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.StringValue => "str:" + a.Value.StringValue,
            var other => "unexpected " + other,
        }), StringComparer.Ordinal);

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    // Each read is a millisecond later than the one before.
    private sealed class TickingClock : TimeProvider
    {
        private long _reads;

        public override DateTimeOffset GetUtcNow() => Now.AddMilliseconds(Interlocked.Increment(ref _reads));
    }
}
