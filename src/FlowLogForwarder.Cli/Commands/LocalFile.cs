using FlowLogForwarder.Events;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Cli.Commands;

/// <summary>A local file forwarded as if it were the S3 object of the same name (text or Parquet), or (a saved CloudWatch
/// Logs delivery) as if CloudWatch Logs had delivered it; <see cref="InputKinds"/> tells which by its content.</summary>
internal static class LocalFile
{
    /// <summary>Largest saved CloudWatch Logs delivery read (it is read whole; AWS's are about a megabyte).</summary>
    private const long MaxDeliveryBytes = 64L * 1024 * 1024;

    /// <summary>A file that cannot be opened gets its own summary (Unreadable, with the reason), so the files after it are still sent.</summary>
    public static async Task<ForwardingSummary> ForwardAsync(FlowLogPipeline pipeline, string path, CancellationToken cancellationToken)
    {
        FileStream file;
        InputKind kind;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            kind = await KindOfAsync(file, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ForwardingSummary.Unopened(path, ex.Message);
        }
        return kind switch
        {
            InputKind.CloudWatchLogs => await ForwardDeliveryAsync(pipeline, path, file, cancellationToken),
            InputKind.Parquet => await ForwardParquetAsync(pipeline, path, file, cancellationToken),
            _ => await pipeline.ForwardAsync(file, FlowLogSource.FromKey(null, path), cancellationToken),
        };
    }

    // A Parquet file is read by ranges, footer first, rather than as a stream.
    private static async Task<ForwardingSummary> ForwardParquetAsync(FlowLogPipeline pipeline, string path, FileStream file, CancellationToken cancellationToken)
    {
        await file.DisposeAsync();
        return await pipeline.ForwardParquetAsync(FileObjectRanges.Open(path), FlowLogSource.FromKey(null, path), cancellationToken);
    }

    private static async Task<InputKind> KindOfAsync(FileStream file, CancellationToken cancellationToken)
    {
        var head = new byte[InputKinds.HeadBytes];
        var length = 0;
        int read;
        while (length < head.Length && (read = await file.ReadAsync(head.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }
        file.Position = 0;
        return InputKinds.Of(head.AsSpan(0, length));
    }

    // A control message yields no records: an empty source, so the summary says Completed with nothing sent.
    private static async Task<ForwardingSummary> ForwardDeliveryAsync(FlowLogPipeline pipeline, string path, FileStream file, CancellationToken cancellationToken)
    {
        CloudWatchLogsData delivery;
        await using (file)
        {
            if (file.Length > MaxDeliveryBytes)
            {
                return ForwardingSummary.Unopened(path, $"a JSON file of {file.Length} bytes; a CloudWatch Logs delivery is read whole, up to {MaxDeliveryBytes}");
            }
            var json = new byte[file.Length];
            try
            {
                // A file that shrinks or fails between the size check and the read is that file's summary, not the run's end.
                await file.ReadExactlyAsync(json, cancellationToken);
                delivery = CloudWatchLogsData.FromSaved(json);
            }
            catch (Exception ex) when (ex is InvalidEventException or IOException)
            {
                return ForwardingSummary.Unopened(path, ex.Message);
            }
        }
        var origin = delivery.IsControl
            ? FlowLogSource.FromKey(null, path)
            : FlowLogSource.FromLogStream(delivery.Owner, delivery.LogGroup!, delivery.LogStream!) with { Key = path };
        var source = new LogEventSource(delivery.LogEvents, pipeline.Options.MaxLineBytes);
        await using (source)
        {
            return await pipeline.ForwardAsync(source, origin, cancellationToken);
        }
    }
}
