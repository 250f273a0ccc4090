namespace FlowLogForwarder.Reading;

/// <summary>An object read by byte ranges rather than front to back (what a Parquet object needs: footer first).</summary>
public interface IObjectRanges : IAsyncDisposable
{
    /// <summary>The object's size in bytes.</summary>
    long Length { get; }

    /// <summary>Bytes fetched so far (over every range read).</summary>
    long BytesRead { get; }

    /// <summary>Fills <paramref name="destination"/> with the bytes from <paramref name="offset"/> on; the range lies within the object.</summary>
    /// <exception cref="IOException">The bytes could not be fetched (a broken connection, a refused request).</exception>
    ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken);
}
