using System.Diagnostics;
using System.Text;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Delivery;

/// <summary>Compressed bodies: decoded by the receiver (and by decoders this code does not share) into exactly the JSON the
/// uncompressed path sends; <c>auto</c> falls back to plain bodies on an endpoint that refuses gzip, losing nothing.</summary>
public sealed class CompressionTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(17);
    private static readonly byte[] Object = Gzipped(3_000);

    private static byte[] Gzipped(int records)
    {
        var text = new MemoryStream();
        FlowLogGenerator.Write(text, records);
        return TestHelpers.Gzip(Encoding.UTF8.GetString(text.ToArray())).ToArray();
    }

    private static long Id(System.Text.Json.JsonElement r) => r.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64();

    private static async Task<(ForwardingSummary Summary, SigNozClient Client, List<string> Warnings)> ForwardAsync(
        LoopbackSigNozServer server, BodyCompression compression, int batchRecords = 500, int inFlight = 2)
    {
        var warnings = new List<string>();
        var http = SigNozClient.CreateHttpClient();
        var client = new SigNozClient(http, new SigNozClientOptions
        {
            Endpoint = server.Endpoint,
            MaxAttempts = 2,
            AttemptTimeout = AttemptTimeout,
            Compression = compression,
            OnCompressionFallback = w => { lock (warnings) { warnings.Add(w); } },
        }, new RecordingTimeProvider(AttemptTimeout));
        var pipeline = new FlowLogPipeline(client, new PipelineOptions { MaxBatchRecords = batchRecords, MaxInFlightBatches = inFlight }, TimeProvider.System);
        var summary = await pipeline.ForwardAsync(new MemoryStream(Object), FlowLogSource.FromKey("b", "k.log.gz"), CancellationToken.None);
        http.Dispose();
        return (summary, client, warnings);
    }

    [Theory]
    [InlineData(BodyCompression.Gzip, "gzip")]
    [InlineData(BodyCompression.Zstd, "zstd")]
    [InlineData(BodyCompression.Auto, "gzip")]
    public async Task Compressed_bodies_decode_to_exactly_the_JSON_the_uncompressed_path_sends(BodyCompression compression, string encoding)
    {
        await using var plainServer = await LoopbackSigNozServer.StartAsync();
        await using var server = await LoopbackSigNozServer.StartAsync();

        var (plain, _, _) = await ForwardAsync(plainServer, BodyCompression.None, inFlight: 1);
        var (compressed, _, warnings) = await ForwardAsync(server, compression, inFlight: 1);

        Assert.Equal(ObjectOutcome.Completed, compressed.Outcome);
        Assert.Equal(plainServer.AcceptedBodies, server.AcceptedBodies); // record for record, byte for byte
        Assert.Equal([encoding], server.Encodings);
        Assert.Equal(plain.BytesJson, compressed.BytesJson);
        Assert.Equal(server.WireBytesReceived, compressed.BytesOut);
        Assert.True(compressed.BytesOut * 4 < compressed.BytesJson, $"{compressed.BytesOut} wire bytes for {compressed.BytesJson} of JSON");
        Assert.Equal(plain.BytesJson, plain.BytesOut);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData(415)]
    [InlineData(400)]
    public async Task Auto_falls_back_to_plain_bodies_on_an_endpoint_that_refuses_gzip_and_loses_nothing(int refusal)
    {
        await using var server = await LoopbackSigNozServer.StartAsync(recordId: Id);
        server.DecodedEncodings.Clear();
        server.UnknownEncodingStatus = refusal;

        var (summary, client, warnings) = await ForwardAsync(server, BodyCompression.Auto, inFlight: 3);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => (long)i), server.AcceptedIds.SelectMany(i => i).Order()); // each once
        Assert.Equal(0, summary.RecordsRejected);
        Assert.Equal(0, summary.RequestsRefused); // the refused gzip body was re-sent plain, not split
        Assert.Equal(1, client.CompressionFallbacks);
        Assert.Contains("sending uncompressed from now on", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.Equal(summary.BytesJson, summary.BytesOut);
    }

    [Fact]
    public async Task Auto_falls_back_on_an_endpoint_that_ignores_the_encoding_and_reads_gzip_as_JSON()
    {
        await using var server = await LoopbackSigNozServer.StartAsync(recordId: Id);
        server.DecodedEncodings.Clear();
        server.UnknownEncodingStatus = null; // parses the gzip bytes as JSON: 400 invalid JSON

        var (summary, client, _) = await ForwardAsync(server, BodyCompression.Auto, inFlight: 1);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(3_000, server.RecordsAccepted);
        Assert.Equal(1, client.CompressionFallbacks);
    }

    [Fact]
    public async Task A_bad_record_while_probing_is_split_as_usual_and_does_not_turn_compression_off()
    {
        await using var server = await LoopbackSigNozServer.StartAsync(recordId: Id);
        server.RefuseRecord = r => Id(r) == 0 ? "bad record" : null; // in the very first request, before gzip is proven

        var (summary, client, warnings) = await ForwardAsync(server, BodyCompression.Auto, inFlight: 1);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(1, summary.RecordsRejected);
        Assert.Equal(2L, Assert.Single(summary.RejectedRecords).Line);
        Assert.Equal(2_999, server.RecordsAccepted);
        Assert.Equal(0, client.CompressionFallbacks);
        Assert.Empty(warnings);
        Assert.Contains("gzip", server.Encodings);
        Assert.True(summary.BytesOut * 4 < summary.BytesJson);
    }

    [Fact]
    public async Task An_explicit_encoding_the_endpoint_refuses_fails_the_object_instead_of_falling_back()
    {
        await using var server = await LoopbackSigNozServer.StartAsync();
        server.DecodedEncodings.Remove("zstd");
        server.UnknownEncodingStatus = 415;

        var (summary, client, _) = await ForwardAsync(server, BodyCompression.Zstd);

        Assert.Equal(ObjectOutcome.Failed, summary.Outcome);
        Assert.Contains("HTTP 415", summary.Error, StringComparison.Ordinal);
        Assert.Equal(0, client.CompressionFallbacks);
        Assert.Equal(0, summary.AcknowledgedThroughLine);
    }

    [Fact]
    public async Task Node_zlib_decodes_the_gzip_body()
    {
        var json = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("""{"body":"2 123456789012 eni-0a1b 10.0.0.1 10.0.0.2 443 1024 6 3 180 1763805900 1763805960 ACCEPT OK"},""", 500)));
        using var body = EncodedBody.Encode(json, BodyCompression.Gzip);
        Assert.Equal("gzip", body.ContentEncoding);

        var decoded = await RunAsync("node", "install Node.js (apt-get install nodejs)", body.ToArray(),
            "-e", "process.stdout.write(require('zlib').gunzipSync(require('fs').readFileSync(0)))");

        Assert.Equal(json, decoded);
    }

    [Fact]
    public async Task The_zstd_command_line_tool_decodes_the_zstd_body()
    {
        var json = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("""{"body":"5 123456789012 eni-0a1b 10.0.0.1 10.0.0.2 443 1024 6 3 180 1763805900 1763805960 REJECT OK"},""", 500)));
        using var body = EncodedBody.Encode(json, BodyCompression.Zstd);
        Assert.Equal("zstd", body.ContentEncoding);

        var decoded = await RunAsync("zstd", "install the zstd command (apt-get install zstd; .ci/run does)", body.ToArray(), "-d", "-c", "-q");

        Assert.Equal(json, decoded);
    }

    private static async Task<byte[]> RunAsync(string tool, string install, byte[] input, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{tool} is not installed: {install}");
            throw;
        }
        using (process)
        {
            var output = new MemoryStream();
            var reading = process.StandardOutput.BaseStream.CopyToAsync(output);
            var errors = process.StandardError.ReadToEndAsync();
            await process.StandardInput.BaseStream.WriteAsync(input);
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            await reading;
            Assert.True(process.ExitCode == 0, $"{tool} failed: {await errors}");
            return output.ToArray();
        }
    }
}
