using System.Text;
using System.Text.Json;
using CsCheck;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using FlowLogForwarder.Tests.Delivery;

namespace FlowLogForwarder.Tests.Properties;

/// <summary>
/// The promise of the delivery boundary against a receiver that answers each request at random from every class
/// of answer: each record is delivered, or counted with a reason, or lies after the acknowledged line (so a retry
/// sends it again); an object reported complete has nothing in the third group; and the key never leaks.
/// </summary>
public sealed class DeliveryPropertyTests
{
    private const string Key = "prop-key-5b7e9d";
    private const int Records = 240;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(700);

    private static readonly ServerFault[] Answers =
    [
        new ServerFault.Accept(), new ServerFault.Accept(), new ServerFault.Accept(), new ServerFault.Accept(),
        new ServerFault.Status(400), new ServerFault.WithBody(400, "bad record"), new ServerFault.Status(413),
        new ServerFault.Status(408), new ServerFault.Status(429, "0"), new ServerFault.Status(500), new ServerFault.Status(502),
        new ServerFault.Status(503), new ServerFault.Status(504),
        new ServerFault.Status(401), new ServerFault.WithBody(403, $"key {Key} is not allowed"), new ServerFault.Status(404),
        new ServerFault.Status(300), new ServerFault.Redirect(301, new Uri("http://127.0.0.1:9/x")),
        new ServerFault.Redirect(302, new Uri("http://127.0.0.1:9/x")), new ServerFault.Redirect(307, new Uri("http://127.0.0.1:9/x")),
        new ServerFault.Status(405), new ServerFault.Status(410), new ServerFault.Status(415), new ServerFault.Status(422),
        new ServerFault.Accept(202), new ServerFault.Accept(204), new ServerFault.Accept(299),
        new ServerFault.Drop(), new ServerFault.AcceptThenDrop(), new ServerFault.Delayed(TimeSpan.FromMilliseconds(20)),
        new ServerFault.HugeBody(500, 2 * 1024 * 1024), new ServerFault.StalledBody(400, TimeSpan.FromSeconds(5)),
        new ServerFault.WithBody(400, "\u0001\u00ff odd body", "text/plain; charset=nope"),
    ];

    private static readonly Gen<Scenario> Scenarios =
        from answers in Gen.Int[0, Answers.Length - 1].Array[1, 40]
        from bad in Gen.Int[0, Records - 1].Array[0, 4]
        from batchRecords in Gen.Int[1, 120]
        from inFlight in Gen.Int[1, 4]
        from maxAttempts in Gen.Int[1, 3]
        select new Scenario(answers, bad, batchRecords, inFlight, maxAttempts);

    [Fact]
    public async Task Every_record_is_delivered_counted_or_left_after_the_acknowledged_line_whatever_the_receiver_answers()
    {
        var text = new MemoryStream();
        FlowLogGenerator.Write(text, Records);
        var gzip = TestHelpers.Gzip(Encoding.UTF8.GetString(text.ToArray())).ToArray();

        await Scenarios.SampleAsync(scenario => CheckAsync(scenario, gzip), iter: 60, threads: 1,
            print: s => $"answers [{string.Join(",", s.Answers.Select(a => Answers[a]))}] bad [{string.Join(",", s.Bad)}] batch {s.BatchRecords} inFlight {s.InFlight} attempts {s.MaxAttempts}");
    }

    private static async Task CheckAsync(Scenario scenario, byte[] gzip)
    {
        await using var server = await LoopbackSigNozServer.StartAsync(Key, recordId: Id);
        // Answers are drawn in turn for each request; past the list, the receiver behaves, so runs end.
        server.FaultFor = n => n <= scenario.Answers.Length ? Answers[scenario.Answers[n - 1]] : null;
        server.RefuseRecord = r => scenario.Bad.Contains((int)Id(r)) ? "invalid record" : null;
        using var http = SigNozClient.CreateHttpClient();
        var client = new SigNozClient(http, new SigNozClientOptions
        {
            Endpoint = server.Endpoint,
            IngestionKey = Key,
            MaxAttempts = scenario.MaxAttempts,
            AttemptTimeout = AttemptTimeout,
        }, new RecordingTimeProvider(AttemptTimeout));
        var pipeline = new FlowLogPipeline(client, new PipelineOptions
        {
            MaxBatchRecords = scenario.BatchRecords,
            MaxInFlightBatches = scenario.InFlight,
            MaxReportedSkips = Records,
        }, TimeProvider.System);

        var summary = await pipeline.ForwardAsync(new MemoryStream(gzip), FlowLogSource.FromKey("b", "k.log.gz"), CancellationToken.None);

        var delivered = server.AcceptedIds.SelectMany(ids => ids).ToHashSet();
        var rejected = summary.RejectedRecords.Select(r => r.Line - 2).ToHashSet(); // record i is on line i + 2
        Assert.Equal(summary.RecordsRejected, rejected.Count);
        // Reading stops once delivery stops: records not read lie after the acknowledged line, and are sent on retry.
        Assert.InRange(summary.RecordsRead, 0, Records);
        Assert.Equal(summary.RecordsRead, summary.RecordsForwarded + summary.RecordsRejected + summary.RecordsFailed);
        for (long id = 0; id < Records; id++)
        {
            var line = id + 2;
            Assert.True(delivered.Contains(id) || rejected.Contains(id) || line > summary.AcknowledgedThroughLine,
                $"record {id} (line {line}) is neither delivered nor counted, yet lies within the acknowledged {summary.AcknowledgedThroughLine} lines");
        }
        // Nothing counts as delivered unless the receiver stored it.
        Assert.True(summary.RecordsForwarded <= server.RecordsAccepted, $"{summary.RecordsForwarded} forwarded, {server.RecordsAccepted} stored");
        if (summary.Outcome == ObjectOutcome.Completed)
        {
            Assert.Equal(Records, summary.RecordsRead);
            Assert.Equal(Records + 1, summary.AcknowledgedThroughLine);
            Assert.Equal(0, summary.RecordsFailed);
        }
        else
        {
            Assert.Equal(ObjectOutcome.Failed, summary.Outcome);
            Assert.NotNull(summary.Error);
        }
        // A record refused alone is only ever one the receiver did refuse, and refusals stay a small minority.
        Assert.True(RefusalGuard.IsSmallMinority(summary.RecordsRejected, summary.RecordsForwarded) || summary.Outcome == ObjectOutcome.Failed);
        var reported = JsonSerializer.Serialize(summary, SummaryJsonContext.Default.ForwardingSummary);
        Assert.DoesNotContain(Key, reported, StringComparison.Ordinal);
    }

    private static long Id(JsonElement record) => record.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64();

    private sealed record Scenario(int[] Answers, int[] Bad, int BatchRecords, int InFlight, int MaxAttempts);
}
