using Amazon.S3;
using Amazon.SQS.Model;
using FlowLogForwarder.Cli.Display;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Storage;

namespace FlowLogForwarder.Cli;

/// <summary>
/// <c>flowlog-forward replay</c>: re-drives failed events through the same handler the Lambda runs, from saved event
/// files or from the failure queue. A queue message is deleted only once its event was handled completely. With
/// <c>stats</c>, each event and each acknowledged batch is also counted there for the live display.
/// </summary>
internal sealed class Replayer(ForwarderOptions options, TextWriter output, RunStats? stats = null)
{
    /// <summary>An SQS receive returns at most 10 messages.</summary>
    private const int ReceiveBatch = 10;

    public async Task<int> ReplayFilesAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        using var http = SigNozClient.CreateHttpClient();
        using var s3 = S3ClientFactory.Create(options.Aws);
        var forwarder = CreateForwarder(http, s3);
        var failed = 0;
        stats?.AddToTotal(files.Count);
        stats?.TotalIsKnown();
        foreach (var file in files)
        {
            if (!await ReplayOneAsync(forwarder, await File.ReadAllBytesAsync(file, cancellationToken), file, cancellationToken))
            {
                failed++;
            }
        }
        await output.WriteLineAsync($"replayed {files.Count} event file(s): {files.Count - failed} handled, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    public async Task<int> ReplayQueueAsync(string queueUrl, int maxMessages, bool keep, CancellationToken cancellationToken)
    {
        using var http = SigNozClient.CreateHttpClient();
        using var s3 = S3ClientFactory.Create(options.Aws);
        using var sqs = SqsClients.Create(options.Aws);
        var forwarder = CreateForwarder(http, s3);
        int handled = 0, failed = 0;
        // Bounded: stops at maxMessages, or when the queue has nothing visible.
        while (handled + failed < maxMessages)
        {
            var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = Math.Min(ReceiveBatch, maxMessages - handled - failed),
                WaitTimeSeconds = 1,
            }, cancellationToken);
            if (response.Messages is not { Count: > 0 } messages)
            {
                break;
            }
            stats?.AddToTotal(messages.Count);
            foreach (var message in messages)
            {
                if (await ReplayOneAsync(forwarder, System.Text.Encoding.UTF8.GetBytes(message.Body), message.MessageId, cancellationToken))
                {
                    handled++;
                    if (!keep)
                    {
                        await sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle, cancellationToken);
                    }
                }
                else
                {
                    failed++; // left on the queue: it becomes visible again after the visibility timeout
                }
            }
        }
        stats?.TotalIsKnown();
        await output.WriteLineAsync($"replayed {handled + failed} message(s): {handled} handled{(keep ? "" : " and deleted")}, {failed} failed and left on the queue");
        return failed == 0 ? 0 : 1;
    }

    private async Task<bool> ReplayOneAsync(EventForwarder forwarder, byte[] payload, string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await forwarder.HandleAsync(payload, name, deadline: null, cancellationToken);
            // An SQS batch event answers with the messages that failed; any is a failure of the replayed event.
            using var answer = System.Text.Json.JsonDocument.Parse(response);
            var handled = !answer.RootElement.TryGetProperty("batchItemFailures", out var failures) || failures.GetArrayLength() == 0;
            if (handled)
            {
                stats?.Completed();
            }
            else
            {
                stats?.Failed(name, $"{failures.GetArrayLength()} message(s) of the event not handled");
            }
            return handled;
        }
        catch (Exception ex) when (ex is ForwardingFailedException or InvalidEventException)
        {
            await output.WriteLineAsync($"{name}: {ex.Message}");
            stats?.Failed(name, ex.Message);
            return false;
        }
    }

    private EventForwarder CreateForwarder(HttpClient http, IAmazonS3 s3)
    {
        IBatchExporter exporter = ExporterFactory.Create(options, options.IngestionKey, http, TimeProvider.System,
            stats is null ? warning => Console.Error.WriteLine($"flowlog-forward: warning: {warning}") : stats.Warn);
        if (stats is not null)
        {
            exporter = new CountingExporter(exporter, stats);
        }
        var pipeline = new FlowLogPipeline(exporter, options.Pipeline, TimeProvider.System);
        var log = new JsonLog(output, TimeProvider.System);
        return new EventForwarder(new ObjectForwarder(pipeline, s3, ForwardingPolicy.From(options), log, TimeProvider.System), log, TimeProvider.System,
            "flowlog-forward-replay");
    }
}
