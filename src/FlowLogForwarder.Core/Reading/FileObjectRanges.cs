using Microsoft.Win32.SafeHandles;

namespace FlowLogForwarder.Reading;

/// <summary>A local file read by byte ranges (the CLI's Parquet files).</summary>
public sealed class FileObjectRanges : IObjectRanges
{
    private readonly SafeFileHandle _file;

    private FileObjectRanges(SafeFileHandle file)
    {
        _file = file;
        Length = RandomAccess.GetLength(file);
    }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public long BytesRead { get; private set; }

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    public static FileObjectRanges Open(string path) =>
        new(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.RandomAccess));

    /// <inheritdoc />
    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var read = await RandomAccess.ReadAsync(_file, destination[done..], offset + done, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"the file ended at byte {offset + done} while reading {destination.Length} bytes from {offset}");
            }
            done += read;
        }
        BytesRead += done;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _file.Dispose();
        return ValueTask.CompletedTask;
    }
}
