using System.Text;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using FlowLogForwarder.Tests.Delivery;

namespace FlowLogForwarder.Tests.Pipeline;

/// <summary>
/// Many objects forwarded at once through one client while the endpoint randomly throttles, fails, drops
/// connections, and drops responses after accepting. Bounded: 24 objects of 5,000 records, a fixed seed.
/// </summary>
public sealed class SoakTests : IAsyncLifetime
{
    private const int Objects = 24;
    private const int RecordsPerObject = 5_000;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(17);
    private LoopbackSigNozServer _server = null!;
    private readonly HttpClient _http = SigNozClient.CreateHttpClient();

    public async Task InitializeAsync() => _server = await LoopbackSigNozServer.StartAsync("k",
        recordId: r => r.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64(), keepBodies: false);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Every_record_arrives_and_only_responses_lost_after_acceptance_are_duplicated()
    {
        _server.InjectRandomFaults(probability: 0.25, seed: 20261122);
        var client = new SigNozClient(_http, new SigNozClientOptions
        {
            Endpoint = _server.Endpoint, IngestionKey = "k", MaxAttempts = 12, AttemptTimeout = AttemptTimeout,
        }, new RecordingTimeProvider(AttemptTimeout));
        var pipeline = new FlowLogPipeline(client, new PipelineOptions { MaxBatchRecords = 250, MaxInFlightBatches = 4 }, TimeProvider.System);

        using var concurrency = new SemaphoreSlim(6);
        var summaries = await Task.WhenAll(Enumerable.Range(0, Objects).Select(async o =>
        {
            await concurrency.WaitAsync();
            try
            {
                return await pipeline.ForwardAsync(TestHelpers.Gzip(ObjectText(o)), FlowLogSource.FromKey("b", $"obj-{o}.log.gz"), CancellationToken.None);
            }
            finally
            {
                concurrency.Release();
            }
        }));

        Assert.All(summaries, s => Assert.Equal(ObjectOutcome.Completed, s.Outcome));
        Assert.Equal(Objects * RecordsPerObject, summaries.Sum(s => s.RecordsForwarded));
        Assert.True(summaries.Sum(s => s.Retries) > 50, "the faults should have forced retries");

        var received = _server.AcceptedIds.SelectMany(ids => ids).ToList();
        var expected = Enumerable.Range(0, Objects).SelectMany(o => Enumerable.Range(0, RecordsPerObject).Select(i => Id(o, i))).ToHashSet();
        Assert.True(expected.SetEquals(received), "some record never arrived, or an unknown one did");
        // Exactly once, except a batch whose response was lost after the endpoint accepted it: that one is sent again.
        Assert.True(_server.RecordsAcceptedThenDropped > 0);
        Assert.Equal(expected.Count + _server.RecordsAcceptedThenDropped, received.Count);
    }

    private static long Id(int obj, int record) => (obj * 1_000_000L) + record;

    private static string ObjectText(int obj)
    {
        var text = new StringBuilder(FlowLogGenerator.DefaultHeader).Append('\n');
        for (var i = 0; i < RecordsPerObject; i++)
        {
            // The generator puts its index in packets; give each object its own range of ids.
            var fields = FlowLogGenerator.Line(i).Split(' ');
            fields[8] = Id(obj, i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            text.AppendJoin(' ', fields).Append('\n');
        }
        return text.ToString();
    }
}
