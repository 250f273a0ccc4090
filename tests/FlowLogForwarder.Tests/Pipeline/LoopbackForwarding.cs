using System.Text;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;
using FlowLogForwarder.Tests.Delivery;

namespace FlowLogForwarder.Tests.Pipeline;

/// <summary>The real pipeline and client, forwarding a generated object (record i carries i in its packets field, on
/// line i + 2) to a loopback receiver, with retry backoff that does not wait.</summary>
internal static class LoopbackForwarding
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(17);

    /// <summary>Forwards <paramref name="records"/> generated records to <paramref name="server"/> as plain JSON (so tests can read
    /// what the receiver got) with the key "k".</summary>
    public static async Task<ForwardingSummary> ForwardAsync(HttpClient http, LoopbackSigNozServer server, int records, int batchRecords,
        int inFlight, int maxAttempts = 6)
    {
        var client = new SigNozClient(http, new SigNozClientOptions
        {
            Compression = BodyCompression.None,
            Endpoint = server.Endpoint,
            IngestionKey = "k",
            MaxAttempts = maxAttempts,
            AttemptTimeout = AttemptTimeout,
        }, new RecordingTimeProvider(AttemptTimeout));
        var pipeline = new FlowLogPipeline(client, new PipelineOptions { MaxBatchRecords = batchRecords, MaxInFlightBatches = inFlight }, TimeProvider.System);
        var text = new MemoryStream();
        FlowLogGenerator.Write(text, records);
        return await pipeline.ForwardAsync(TestHelpers.Gzip(Encoding.UTF8.GetString(text.ToArray())), FlowLogSource.FromKey("b", "k.log.gz"),
            CancellationToken.None);
    }
}
