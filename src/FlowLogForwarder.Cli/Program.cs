using System.Text.Json;
using FlowLogForwarder.Cli;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Diagnostics;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;

const string Usage = """
    flowlog-forward: forward AWS VPC flow log objects to the SigNoz HTTP logs endpoint.

    Usage:
      flowlog-forward preview FILE              print the SigNoz JSON records for a .log.gz (or plain text) object, one per line
      flowlog-forward send FILE... [--endpoint URL] [--allow-http]
                                                forward local objects; prints one JSON summary per object, then totals
      flowlog-forward sink [--port N]           run a SigNoz-compatible receiver on 127.0.0.1 (default port 4318) for local trials
      flowlog-forward replay --event-file F... | --queue-url URL [--max-messages N] [--keep] [--endpoint URL] [--allow-http]
                                                re-drive failed events (saved files, or the failure queue) through the Lambda's handler
      flowlog-forward bench [--records N] [--v5] [--file F]
                                                throughput harness: records/s, MB/s and peak RSS against plain gunzip of the same object

    The ingestion key is read from SIGNOZ_INGESTION_KEY, never from a flag. Every other setting is an
    environment variable (see the README); --endpoint overrides SIGNOZ_ENDPOINT.
    Exit codes: 0 all records delivered or counted as skipped; 1 an object failed or was unreadable, or records were
    rejected or not delivered; 2 bad usage or configuration.
    """;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.Out.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    return args[0] switch
    {
        "preview" => await PreviewAsync(args[1..], cancellation.Token),
        "send" => await SendAsync(args[1..], cancellation.Token),
        "sink" => await new LocalSink(ParsePort(args[1..]), Console.Out).RunAsync(cancellation.Token),
        "bench" => await BenchAsync(args[1..], cancellation.Token),
        "replay" => await ReplayAsync(args[1..], cancellation.Token),
        _ => Fail($"unknown command '{args[0]}'"),
    };
}
catch (ConfigurationException ex)
{
    return Fail($"configuration error: {ex.Message}");
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("flowlog-forward: stopped (Ctrl+C)");
    return 1;
}
#pragma warning disable CA1031 // No exception reaches the user as a stack trace: one line, and the documented exit code.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"flowlog-forward: failed: {ex.GetType().Name}: {ex.Message}");
    return 1;
}

static async Task<int> PreviewAsync(string[] args, CancellationToken cancellationToken)
{
    if (args.Length != 1)
    {
        return Fail("preview takes exactly one FILE");
    }
    var options = ForwarderOptions.Load(Environment.GetEnvironmentVariable, requireEndpoint: false);
    var output = Console.Out;
    var pipeline = new FlowLogPipeline(new PreviewSink(output), options.Pipeline with { MaxInFlightBatches = 1 }, TimeProvider.System);
    var summary = await ForwardFileAsync(pipeline, args[0], cancellationToken);
    await output.FlushAsync(cancellationToken);
    await Console.Error.WriteLineAsync(JsonSerializer.Serialize(summary, SummaryJsonContext.Default.ForwardingSummary));
    return summary.Outcome == ObjectOutcome.Completed ? 0 : 1;
}

static async Task<int> SendAsync(string[] args, CancellationToken cancellationToken)
{
    var files = new List<string>();
    string? endpoint = null;
    var allowHttp = false;
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--endpoint" when i + 1 < args.Length:
                endpoint = args[++i];
                break;
            case "--allow-http":
                allowHttp = true;
                break;
            case var flag when flag.StartsWith("--", StringComparison.Ordinal):
                return Fail($"unknown or incomplete option '{flag}'");
            default:
                files.Add(args[i]);
                break;
        }
    }
    if (files.Count == 0)
    {
        return Fail("send needs at least one FILE");
    }

    var options = LoadSendingOptions(endpoint, allowHttp);
    if (options.IngestionKeyParameter is not null)
    {
        return Fail($"{ForwarderOptions.Variables.IngestionKeyParameter} is read by the Lambda function only; set {ForwarderOptions.Variables.IngestionKey} for the CLI");
    }
    using var http = SigNozClient.CreateHttpClient();
    var client = new SigNozClient(http, options.ClientOptions(options.IngestionKey), TimeProvider.System);
    var pipeline = new FlowLogPipeline(client, options.Pipeline, TimeProvider.System);

    var exitCode = 0;
    long forwarded = 0, skipped = 0, notDelivered = 0, bytesIn = 0, bytesText = 0;
    var started = TimeProvider.System.GetTimestamp();
    foreach (var file in files)
    {
        var summary = await ForwardFileAsync(pipeline, file, cancellationToken);
        Console.Out.WriteLine(JsonSerializer.Serialize(summary, SummaryJsonContext.Default.ForwardingSummary));
        forwarded += summary.RecordsForwarded;
        skipped += summary.RecordsSkipped;
        notDelivered += summary.RecordsFailed + summary.RecordsRejected;
        bytesIn += summary.BytesIn;
        bytesText += summary.BytesDecompressed;
        if (summary.Outcome != ObjectOutcome.Completed || summary.RecordsFailed + summary.RecordsRejected > 0)
        {
            exitCode = 1;
        }
    }
    var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
    Console.Out.WriteLine(
        $"{{\"files\":{files.Count},\"recordsForwarded\":{forwarded},\"recordsSkipped\":{skipped},\"recordsNotDelivered\":{notDelivered}," +
        $"\"bytesIn\":{bytesIn},\"bytesDecompressed\":{bytesText},\"seconds\":{seconds:F3},\"recordsPerSecond\":{forwarded / Math.Max(seconds, 1e-9):F0}," +
        $"\"peakRssBytes\":{ProcessMemory.PeakResidentBytes()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}}}");
    return exitCode;
}

static async Task<int> ReplayAsync(string[] args, CancellationToken cancellationToken)
{
    var files = new List<string>();
    string? queueUrl = null, endpoint = null;
    var maxMessages = 100;
    bool keep = false, allowHttp = false, readingFiles = false;
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--event-file":
                readingFiles = true;
                break;
            case "--queue-url" when i + 1 < args.Length:
                queueUrl = args[++i];
                readingFiles = false;
                break;
            case "--max-messages" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                maxMessages = n;
                i++;
                break;
            case "--keep":
                keep = true;
                break;
            case "--endpoint" when i + 1 < args.Length:
                endpoint = args[++i];
                break;
            case "--allow-http":
                allowHttp = true;
                break;
            case var arg when readingFiles && !arg.StartsWith("--", StringComparison.Ordinal):
                files.Add(arg);
                break;
            default:
                return Fail($"replay: unknown or incomplete option '{args[i]}'");
        }
    }
    if ((files.Count == 0) == (queueUrl is null))
    {
        return Fail("replay needs either --event-file F... or --queue-url URL");
    }
    var options = LoadSendingOptions(endpoint, allowHttp);
    var replayer = new Replayer(options, Console.Out);
    return queueUrl is null
        ? await replayer.ReplayFilesAsync(files, cancellationToken)
        : await replayer.ReplayQueueAsync(queueUrl, maxMessages, keep, cancellationToken);
}

static async Task<int> BenchAsync(string[] args, CancellationToken cancellationToken)
{
    long records = 1_000_000;
    var v5 = false;
    string? file = null;
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--records" when i + 1 < args.Length && long.TryParse(args[i + 1], out var n) && n > 0:
                records = n;
                i++;
                break;
            case "--v5":
                v5 = true;
                break;
            case "--file" when i + 1 < args.Length:
                file = args[++i];
                break;
            default:
                return Fail($"bench: unknown or incomplete option '{args[i]}'");
        }
    }
    var options = ForwarderOptions.Load(Environment.GetEnvironmentVariable, requireEndpoint: false);
    return await ThroughputHarness.RunAsync(records, v5, file, options.Pipeline, Console.Out, cancellationToken);
}

// The environment's settings, with the command line's --endpoint and --allow-http on top.
static ForwarderOptions LoadSendingOptions(string? endpoint, bool allowHttp) => ForwarderOptions.Load(
    Environment.GetEnvironmentVariable, new ConfigurationOverrides { Endpoint = endpoint, AllowHttp = allowHttp });

// A file that cannot be opened gets its own summary (Unreadable, with the reason), and the files after it are still sent.
static async Task<ForwardingSummary> ForwardFileAsync(FlowLogPipeline pipeline, string path, CancellationToken cancellationToken)
{
    FileStream file;
    try
    {
        file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
    {
        return ForwardingSummary.Unopened(path, ex.Message);
    }
    return await pipeline.ForwardAsync(file, FlowLogSource.FromKey(null, path), cancellationToken);
}

static int ParsePort(string[] args)
{
    if (args.Length == 0)
    {
        return 4318;
    }
    if (args.Length == 2 && args[0] == "--port" && int.TryParse(args[1], out var port) && port is > 0 and < 65536)
    {
        return port;
    }
    throw new ConfigurationException("--port", "sink takes only --port N (1 to 65535)");
}

static int Fail(string message)
{
    Console.Error.WriteLine($"flowlog-forward: {message}");
    Console.Error.WriteLine("Run 'flowlog-forward --help' for usage.");
    return 2;
}
