using System.Text;
using System.Text.Json;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using FlowLogForwarder.Tests.Delivery;

namespace FlowLogForwarder.Tests.Pipeline;

/// <summary>The whole pipeline against a real loopback endpoint that misbehaves.</summary>
public sealed class PipelineDeliveryTests : IAsyncLifetime
{
    private LoopbackSigNozServer _server = null!;
    private readonly HttpClient _http = SigNozClient.CreateHttpClient();

    public async Task InitializeAsync() => _server = await LoopbackSigNozServer.StartAsync("k",
        recordId: r => r.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64());

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Task<ForwardingSummary> ForwardAsync(int records, int batchRecords, int inFlight, int maxAttempts = 6) =>
        LoopbackForwarding.ForwardAsync(_http, _server, records, batchRecords, inFlight, maxAttempts);

    [Fact]
    public async Task Transient_faults_are_retried_and_every_record_arrives_once_in_order()
    {
        _server.Enqueue(new ServerFault.Status(429, "1"), new ServerFault.Drop(), new ServerFault.Status(503));

        var summary = await ForwardAsync(records: 1000, batchRecords: 100, inFlight: 1);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(1000, summary.RecordsForwarded);
        Assert.Equal(10, summary.Batches);
        Assert.Equal(3, summary.Retries);
        Assert.Equal(13, _server.Requests);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), _server.AcceptedIds.SelectMany(ids => ids));
    }

    [Fact]
    public async Task With_several_batches_in_flight_every_record_still_arrives_exactly_once()
    {
        _server.Enqueue(new ServerFault.Status(503), new ServerFault.Status(503));
        var summary = await ForwardAsync(records: 5000, batchRecords: 100, inFlight: 4);
        Assert.Equal(5000, summary.RecordsForwarded);
        var ids = _server.AcceptedIds.SelectMany(i => i).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (long)i), ids);
        Assert.All(_server.AcceptedIds, batch => Assert.Equal(batch.Order(), batch)); // each batch is in order
    }

    [Fact]
    public async Task A_refused_batch_is_split_and_its_halves_delivered()
    {
        _server.Enqueue(new ServerFault.Status(200), new ServerFault.Status(400));
        var summary = await ForwardAsync(records: 500, batchRecords: 100, inFlight: 1);
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(0, summary.RecordsRejected);
        Assert.Equal(1, summary.RequestsRefused);
        Assert.Equal(2, summary.SplitRequests);
        Assert.Equal(500, summary.RecordsForwarded);
        Assert.Equal(400, _server.RecordsAccepted); // the first batch got an injected 200, so the server did not record it
        Assert.Equal(501, summary.AcknowledgedThroughLine);
        var refused = Assert.Single(summary.RefusedRequests);
        Assert.Equal((102L, 201L, 100, 400), (refused.FirstLine, refused.LastLine, refused.Records, refused.HttpStatus));
        Assert.Contains("injected 400", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unauthorized_endpoint_stops_the_object_and_says_how_far_it_got()
    {
        _server.Enqueue(new ServerFault.Status(401));
        var summary = await ForwardAsync(records: 1000, batchRecords: 100, inFlight: 1);
        Assert.Equal(ObjectOutcome.Failed, summary.Outcome);
        Assert.Contains("Unauthorized", summary.Error, StringComparison.Ordinal);
        Assert.Equal(0, summary.RecordsForwarded);
        Assert.True(summary.RecordsFailed >= 100);
        Assert.Equal(0, summary.AcknowledgedThroughLine);
        Assert.True(_server.Requests <= 2, $"stopped early, yet saw {_server.Requests} requests");
    }

    [Fact]
    public async Task Exhausted_retries_fail_the_object_after_the_delivered_prefix()
    {
        _server.Enqueue(new ServerFault.Status(200), new ServerFault.Status(200));
        _server.Enqueue(Enumerable.Repeat<ServerFault>(new ServerFault.Status(503), 3).ToArray());
        var summary = await ForwardAsync(records: 1000, batchRecords: 100, inFlight: 1, maxAttempts: 3);
        Assert.Equal(ObjectOutcome.Failed, summary.Outcome);
        Assert.Equal(200, summary.RecordsForwarded);
        Assert.Equal(201, summary.AcknowledgedThroughLine);
        Assert.Contains("RetriesExhausted", summary.Error, StringComparison.Ordinal);
        Assert.Equal(2 + 3, _server.Requests);
    }
}
