using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Pipeline;

/// <summary>
/// Forwards one flow log object: source lines -> records -> batches -> exporter, in bounded memory (the source's
/// read-ahead, one record scratch buffer, and at most <see cref="PipelineOptions.MaxInFlightBatches"/> + 2 batch buffers).
/// </summary>
public sealed class FlowLogPipeline(IBatchExporter exporter, PipelineOptions options, TimeProvider time)
{
    // Batches in flight, the one being filled, and one spare: what the process holds for batches, however long it runs.
    private readonly BatchBufferPool _buffers = new(options.MaxBatchBytes, options.MaxInFlightBatches + 2);

    /// <summary>How this pipeline turns records into batches.</summary>
    public PipelineOptions Options => options;

    /// <summary>A pipeline whose batches go to <paramref name="sink"/> one request each, refused requests split.</summary>
    public FlowLogPipeline(IBatchSink sink, PipelineOptions options, TimeProvider time)
        : this(new BatchDeliverer(sink), options, time)
    {
    }

    /// <summary>Forwards every record of <paramref name="source"/> (gzip or text), which it disposes.</summary>
    /// <param name="source">The object's bytes as stored.</param>
    /// <param name="origin">Where the object came from.</param>
    /// <param name="cancellationToken">Stops reading and delivery (for example at the Lambda deadline).</param>
    /// <param name="resumeAfterLine">Lines up to this one were delivered by an earlier attempt and are not sent again.</param>
    public async Task<ForwardingSummary> ForwardAsync(Stream source, FlowLogSource origin, CancellationToken cancellationToken, long resumeAfterLine = 0)
    {
        TextLineSource lines;
        try
        {
            lines = await TextLineSource.OpenAsync(source, options.MaxLineBytes, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await using (lines.ConfigureAwait(false))
        {
            return await ForwardAsync(lines, origin, cancellationToken, resumeAfterLine).ConfigureAwait(false);
        }
    }

    /// <summary>Forwards every row of a Parquet object read by ranges from <paramref name="source"/>, which it disposes;
    /// the resume position is the row number.</summary>
    public async Task<ForwardingSummary> ForwardParquetAsync(IObjectRanges source, FlowLogSource origin, CancellationToken cancellationToken,
        long resumeAfterRow = 0)
    {
        var rows = new ParquetRecordSource(source, options.MaxLineBytes, resumeAfterRow);
        await using (rows.ConfigureAwait(false))
        {
            return await ForwardAsync(rows, origin, cancellationToken, resumeAfterRow).ConfigureAwait(false);
        }
    }

    /// <summary>Forwards every record <paramref name="source"/> hands out; never throws for bad input or failed delivery.</summary>
    public async Task<ForwardingSummary> ForwardAsync(IRecordSource source, FlowLogSource origin, CancellationToken cancellationToken, long resumeAfterLine = 0)
    {
        var started = time.GetTimestamp();
        var cursor = new PipelineCursor(resumeAfterLine);
        var tally = new ForwardingTally(options.MaxReportedSkips);
        var dispatcher = new BatchDispatcher(exporter, options.MaxInFlightBatches, cursor, tally);
        using var processor = new RecordProcessor(options, origin, cursor, tally, _buffers, time, source.LinesAreRecords);
        var lastLine = 0L;
        string? readError = null;
        var readOutcome = ObjectOutcome.Completed;
        try
        {
            while (cursor.GoesOn && await source.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (cursor.GoesOn && source.TryTake(out var line))
                {
                    lastLine = line.Number;
                    if (processor.Process(line) is { } batch)
                    {
                        await dispatcher.SubmitAsync(batch, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            if (cursor.GoesOn && source.Ending == SourceEnd.Truncated)
            {
                readOutcome = ObjectOutcome.Unreadable;
                readError = $"truncated gzip: the object ends mid-stream after line {lastLine} ({source.BytesIn} bytes read)";
            }
        }
        catch (UnreadableObjectException ex)
        {
            readOutcome = ObjectOutcome.Unreadable;
            readError = ex.Message;
        }
        catch (InvalidDataException ex)
        {
            readOutcome = ObjectOutcome.Unreadable;
            readError = $"corrupt gzip data after line {lastLine}: {ex.Message}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            readOutcome = ObjectOutcome.Failed;
            readError = $"stopped after line {lastLine}: the time available ran out";
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            readOutcome = ObjectOutcome.Failed;
            readError = $"reading the object failed after line {lastLine}: {ex.Message}";
        }

        // Records read before any fault are still delivered.
        if (processor.Flush() is { } last)
        {
            await dispatcher.SubmitAsync(last, cancellationToken).ConfigureAwait(false);
        }
        await dispatcher.DrainAsync().ConfigureAwait(false);

        var (outcome, error) = cursor.DeliveryStop is { } stop
            ? (ObjectOutcome.Failed, $"delivery stopped ({stop.Status}) after line {cursor.AcknowledgedThroughLine}: {stop.Error}")
            : cursor.Unreadable is { } unreadable
                ? (ObjectOutcome.Unreadable, unreadable)
                : (readOutcome, readError);
        return tally.Build(origin.Key, outcome, error, cursor, source.BytesIn, source.BytesText, source.TrailingBytesIgnored,
            time.GetElapsedTime(started));
    }
}
