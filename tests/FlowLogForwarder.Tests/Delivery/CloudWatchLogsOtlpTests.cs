using FlowLogForwarder.Delivery;
using FlowLogForwarder.Events;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Reading;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Delivery;

/// <summary>A CloudWatch Logs delivery over OTLP, decoded with types generated from the official .proto files: the event
/// id, the derived network.type and the log group and stream reach the receiver as the JSON path sends them.</summary>
public sealed class CloudWatchLogsOtlpTests : IAsyncLifetime
{
    private LoopbackOtlpServer _server = null!;
    private readonly HttpClient _http = SigNozClient.CreateHttpClient();

    public async Task InitializeAsync() => _server = await LoopbackOtlpServer.StartAsync("k");

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Event_ids_network_type_and_the_log_stream_arrive_as_typed_attributes()
    {
        var client = new SigNozClient(_http, new SigNozClientOptions { Protocol = SigNozProtocol.Otlp, Endpoint = _server.Endpoint, IngestionKey = "k" }, TimeProvider.System);
        var pipeline = new FlowLogPipeline(client, new PipelineOptions { Protocol = SigNozProtocol.Otlp }, TimeProvider.System);
        CloudWatchLogEvent[] events = [new("3762", 1, FlowLogGenerator.Line(0)), new("3763", 2, "2 123456789012 eni-1 2001:db8::1 2001:db8::2 443 80 6 1 40 1763805900 1763805960 ACCEPT OK")];
        await using var source = new LogEventSource(events, 4096);

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
}
