using System.Text;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using FlowLogForwarder.Tests.Delivery;
using Xunit.Abstractions;

namespace FlowLogForwarder.Tests.Pipeline;

/// <summary>
/// 400 and 413 against a receiver that refuses a whole request for one bad record, as SigNoz does: the batch is split
/// until every good record is delivered and only the bad ones are counted, by line; an endpoint that refuses
/// everything fails the object instead.
/// </summary>
public sealed class RefusalSplittingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private LoopbackSigNozServer _server = null!;
    private readonly HttpClient _http = SigNozClient.CreateHttpClient();

    public async Task InitializeAsync() => _server = await LoopbackSigNozServer.StartAsync("k", recordId: PacketsOf);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    // Record i carries i in its packets field (FlowLogGenerator), and is on line i + 2.
    private static long PacketsOf(System.Text.Json.JsonElement record) => record.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64();

    private Task<ForwardingSummary> ForwardAsync(int records, int batchRecords = 10_000, int inFlight = 4, int maxAttempts = 6) =>
        LoopbackForwarding.ForwardAsync(_http, _server, records, batchRecords, inFlight, maxAttempts);

    [Fact]
    public async Task Three_bad_records_in_ten_thousand_are_counted_by_line_and_the_rest_delivered()
    {
        long[] bad = [17, 4_321, 9_998];
        _server.RefuseRecord = r => bad.Contains(PacketsOf(r)) ? "invalid attribute value" : null;

        var summary = await ForwardAsync(records: 10_000);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(9_997, summary.RecordsForwarded);
        Assert.Equal(9_997, _server.RecordsAccepted);
        Assert.Equal(3, summary.RecordsRejected);
        Assert.Equal(bad.Select(i => i + 2), summary.RejectedRecords.Select(r => r.Line));
        Assert.All(summary.RejectedRecords, r => Assert.Equal(400, r.HttpStatus));
        Assert.All(summary.RejectedRecords, r => Assert.Contains("invalid attribute value", r.Reason, StringComparison.Ordinal));
        Assert.Equal(10_001, summary.AcknowledgedThroughLine);
        Assert.Equal(0, summary.RecordsFailed);
        // Bounded: about 2·log2(n) extra requests per bad record.
        var perBadRecord = 2 * Math.Ceiling(Math.Log2(summary.RecordsRead)) + 2;
        output.WriteLine($"batches {summary.Batches}, requests {_server.Requests}, refused {summary.RequestsRefused}, split requests {summary.SplitRequests}");
        Assert.True(summary.SplitRequests <= 3 * perBadRecord, $"{summary.SplitRequests} extra requests");
        Assert.Equal(summary.Batches + summary.SplitRequests, _server.Requests);
    }

    [Fact]
    public async Task A_body_over_the_receivers_limit_is_split_until_it_fits_with_nothing_rejected()
    {
        _server.MaxBodyBytes = 40_000; // SigNoz's self-hosted receiver answers 400 to an over-size body
        var summary = await ForwardAsync(records: 2_000, batchRecords: 1_000, inFlight: 2);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(2_000, _server.RecordsAccepted);
        Assert.Equal(0, summary.RecordsRejected);
        Assert.True(summary.RequestsRefused > 0);
        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => (long)i), _server.AcceptedIds.SelectMany(i => i).Order());
    }

    [Fact]
    public async Task A_413_splits_the_batch_the_same_way()
    {
        _server.MaxBodyBytes = 40_000;
        _server.OversizeStatus = 413;
        var summary = await ForwardAsync(records: 500, batchRecords: 500, inFlight: 1);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(500, _server.RecordsAccepted);
        Assert.All(summary.RefusedRequests, r => Assert.Equal(413, r.HttpStatus));
    }

    [Fact]
    public async Task An_endpoint_that_refuses_everything_fails_the_object_instead_of_rejecting_it()
    {
        _server.FaultFor = _ => new ServerFault.WithBody(400, "no such route");

        var summary = await ForwardAsync(records: 3_000, batchRecords: 1_000, inFlight: 2);

        Assert.Equal(ObjectOutcome.Failed, summary.Outcome);
        Assert.Contains("RefusedWholesale", summary.Error, StringComparison.Ordinal);
        Assert.Contains("no such route", summary.Error, StringComparison.Ordinal);
        Assert.Equal(0, summary.RecordsRejected);
        Assert.Equal(0, summary.RecordsForwarded);
        Assert.Equal(3_000, summary.RecordsFailed);
        Assert.Equal(0, summary.AcknowledgedThroughLine);
        // It stops early: far fewer requests than refusing 3,000 records one by one would take.
        Assert.True(_server.Requests < 60, $"{_server.Requests} requests");
    }

    [Fact]
    public async Task A_small_object_whose_records_are_mostly_refused_fails_rather_than_counting_them_rejected()
    {
        _server.RefuseRecord = r => PacketsOf(r) < 3 ? "bad" : null; // 3 of 10 refused: not a small minority

        var summary = await ForwardAsync(records: 10);

        Assert.Equal(ObjectOutcome.Failed, summary.Outcome);
        Assert.Equal(0, summary.RecordsRejected);
        Assert.Equal(0, summary.AcknowledgedThroughLine);
    }

    [Fact]
    public async Task A_transient_failure_while_splitting_fails_the_object_after_the_resolved_prefix()
    {
        _server.RefuseRecord = r => PacketsOf(r) == 50 ? "bad" : null;
        // Request 1: the batch (refused); 2: first half [0,50) accepted; 3: second half refused; then 503s.
        _server.FaultFor = n => n >= 4 ? new ServerFault.Status(503) : null;

        var summary = await ForwardAsync(records: 100, batchRecords: 100, inFlight: 1, maxAttempts: 2);

        Assert.Equal(ObjectOutcome.Failed, summary.Outcome);
        Assert.Contains("RetriesExhausted", summary.Error, StringComparison.Ordinal);
        Assert.Equal(50, summary.RecordsForwarded);
        Assert.Equal(51, summary.AcknowledgedThroughLine); // records 0..49 are lines 2..51
        Assert.Equal(50, summary.RecordsFailed);
        Assert.Equal(0, summary.RecordsRejected);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(405)]
    [InlineData(410)]
    [InlineData(415)]
    [InlineData(422)]
    public async Task Statuses_not_understood_fail_the_object_and_drop_nothing(int status)
    {
        _server.Enqueue(new ServerFault.Status(200), new ServerFault.Status(status));

        var summary = await ForwardAsync(records: 500, batchRecords: 100, inFlight: 1);

        Assert.Equal(ObjectOutcome.Failed, summary.Outcome);
        Assert.Contains($"HTTP {status}", summary.Error, StringComparison.Ordinal);
        Assert.Equal(0, summary.RecordsRejected);
        Assert.Equal(100, summary.RecordsForwarded);
        // The refused batch and any read behind it are not delivered; reading stopped there, so the rest was never read.
        Assert.Equal(summary.RecordsRead - 100, summary.RecordsFailed);
        Assert.InRange(summary.RecordsRead, 200, 300);
        Assert.Equal(101, summary.AcknowledgedThroughLine);
    }
}
