using System.Buffers;
using System.Diagnostics;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Pipeline;

/// <summary>
/// Forwards one flow log object: stream -> text -> records -> batches -> sink, in bounded memory
/// (one read buffer, one record scratch buffer, and at most <see cref="PipelineOptions.MaxInFlightBatches"/> + 2 batch buffers).
/// </summary>
public sealed class FlowLogPipeline(IBatchSink sink, PipelineOptions options, TimeProvider time)
{
    // Batches in flight, the one being filled, and one spare: what the process holds for batches, however long it runs.
    private readonly BatchBufferPool _buffers = new(options.MaxBatchBytes, options.MaxInFlightBatches + 2);

    /// <summary>Forwards every record of <paramref name="source"/>, which it disposes; never throws for bad input or failed delivery.</summary>
    /// <param name="source">The object's bytes as stored.</param>
    /// <param name="origin">Where the object came from.</param>
    /// <param name="cancellationToken">Stops reading and delivery (for example at the Lambda deadline).</param>
    /// <param name="resumeAfterLine">Lines up to this one were delivered by an earlier attempt and are not sent again.</param>
    public async Task<ForwardingSummary> ForwardAsync(Stream source, FlowLogSource origin, CancellationToken cancellationToken, long resumeAfterLine = 0)
    {
        var started = time.GetTimestamp();
        var summary = new SummaryBuilder(options.MaxReportedSkips, resumeAfterLine);
        var dispatcher = new BatchDispatcher(sink, options.MaxInFlightBatches, summary);
        using var processor = new RecordProcessor(options, origin, summary, _buffers);
        // Room for the longest accepted line plus a read's worth of the next ones.
        var buffer = ArrayPool<byte>.Shared.Rent(options.MaxLineBytes + 64 * 1024);
        FlowLogObjectReader? reader = null;
        string? readError = null;
        var readOutcome = ObjectOutcome.Completed;
        long trailingBytes = 0;
        try
        {
            reader = await FlowLogObjectReader.OpenAsync(source, cancellationToken).ConfigureAwait(false);
            var start = 0;
            var end = 0;
            var discarding = false;
            while (!dispatcher.Stopped && processor.FatalError is null)
            {
                if (end == buffer.Length)
                {
                    // Make room: what is left is a partial line of at most MaxLineBytes (longer ones are dropped below).
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                var read = await reader.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    trailingBytes = reader.TrailingBytesAfterGzip;
                    if (trailingBytes < 0)
                    {
                        // The partial last line is not parsed: it was cut off, not written that way.
                        readOutcome = ObjectOutcome.Unreadable;
                        readError = $"truncated gzip: the object ends mid-stream after line {summary.Lines} ({reader.StoredBytesRead} bytes read)";
                        break;
                    }
                    if (!discarding && end > start)
                    {
                        await SubmitAsync(processor.ProcessLine(buffer.AsSpan(start, end - start)), dispatcher, cancellationToken).ConfigureAwait(false);
                    }
                    break;
                }
                var scanFrom = end;
                end += read;

                while (TryTakeLine(buffer, ref start, ref scanFrom, end, ref discarding, processor, out var batch))
                {
                    await SubmitAsync(batch, dispatcher, cancellationToken).ConfigureAwait(false);
                }
                if (discarding)
                {
                    start = end = 0;
                }
                else if (end - start > options.MaxLineBytes)
                {
                    // No line end within the limit: drop what is buffered and skip to the next '\n'.
                    processor.SkipLongLine();
                    discarding = true;
                    start = end = 0;
                }
            }
        }
        catch (InvalidDataException ex)
        {
            readOutcome = ObjectOutcome.Unreadable;
            readError = $"corrupt gzip data after line {summary.Lines}: {ex.Message}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            readOutcome = ObjectOutcome.Failed;
            readError = $"stopped after line {summary.Lines}: the time available ran out";
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or TimeoutException)
        {
            readOutcome = ObjectOutcome.Failed;
            readError = $"reading the object failed after line {summary.Lines}: {ex.Message}";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Records read before any fault are still delivered.
        if (processor.Flush() is { } last)
        {
            await dispatcher.SubmitAsync(last, cancellationToken).ConfigureAwait(false);
        }
        await dispatcher.DrainAsync().ConfigureAwait(false);

        var bytesIn = reader?.StoredBytesRead ?? 0;
        var bytesText = reader?.TextBytesRead ?? 0;
        if (reader is not null)
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        var (outcome, error) = summary.StoppingResult is { } stop
            ? (ObjectOutcome.Failed, $"delivery stopped ({stop.Status}) after {summary.RecordsForwarded} records: {stop.Error}")
            : processor.FatalError is { } fatal
                ? (ObjectOutcome.Unreadable, fatal)
                : (readOutcome, readError);
        return summary.Build(origin.Key, outcome, error, bytesIn, bytesText, time.GetElapsedTime(started)) with
        {
            TrailingBytesIgnored = Math.Max(0, trailingBytes),
        };
    }

    private static ValueTask SubmitAsync(SigNozBatch? batch, BatchDispatcher dispatcher, CancellationToken cancellationToken) =>
        batch is null ? ValueTask.CompletedTask : dispatcher.SubmitAsync(batch, cancellationToken);

    // Processes complete lines in buffer[start..end) until one closes a batch or no complete line is left.
    private static bool TryTakeLine(byte[] buffer, ref int start, ref int scanFrom, int end, ref bool discarding,
        RecordProcessor processor, out SigNozBatch? batch)
    {
        batch = null;
        while (true)
        {
            var newline = buffer.AsSpan(scanFrom, end - scanFrom).IndexOf((byte)'\n');
            if (newline < 0)
            {
                scanFrom = end;
                return false;
            }
            var lineEnd = scanFrom + newline;
            if (discarding)
            {
                discarding = false; // the rest of an over-long line, already counted
            }
            else if (processor.FatalError is null)
            {
                batch = processor.ProcessLine(buffer.AsSpan(start, lineEnd - start));
            }
            start = scanFrom = lineEnd + 1;
            if (batch is not null)
            {
                return true;
            }
            if (processor.FatalError is not null)
            {
                return false;
            }
        }
    }
}
