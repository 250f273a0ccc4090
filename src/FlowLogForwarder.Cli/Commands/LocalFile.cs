using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Cli.Commands;

/// <summary>A local file forwarded as if it were the S3 object of the same name.</summary>
internal static class LocalFile
{
    /// <summary>A file that cannot be opened gets its own summary (Unreadable, with the reason), so the files after it are still sent.</summary>
    public static async Task<ForwardingSummary> ForwardAsync(FlowLogPipeline pipeline, string path, CancellationToken cancellationToken)
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
        var origin = FlowLogSource.FromKey(null, path);
        // Recognised by content, not by name: a Parquet file starts with its magic and is read by ranges, footer first
        // (so only from a file that can seek; a pipe is read as text).
        if (file.CanSeek)
        {
            var prefix = new byte[4];
            var length = await file.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken);
            if (ParquetRecordSource.IsParquet(prefix.AsSpan(0, length)))
            {
                await file.DisposeAsync();
                return await pipeline.ForwardParquetAsync(FileObjectRanges.Open(path), origin, cancellationToken);
            }
            file.Position = 0;
        }
        return await pipeline.ForwardAsync(file, origin, cancellationToken);
    }
}
