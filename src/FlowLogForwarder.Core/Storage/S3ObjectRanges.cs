using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Events;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Storage;

/// <summary>
/// An S3 object read by ranged GETs (a Parquet object: footer first, then one row group at a time; never whole).
/// Opening fetches the object's last <see cref="ParquetRecordSource.TailBytes"/> (a suffix range, which also tells the
/// size); every later range is pinned to the version read first (its version id, else its eTag) and carries the
/// bucket owner condition, as <see cref="S3ObjectOpener"/> does for text objects.
/// </summary>
public sealed class S3ObjectRanges : IObjectRanges
{
    private readonly IAmazonS3 _s3;
    private readonly ObjectReference _reference;
    private readonly string? _owner;
    private readonly byte[] _tail;
    private long _bytesRead;

    private S3ObjectRanges(IAmazonS3 s3, ObjectReference reference, string? owner, long length, byte[] tail, string etag, string? versionId)
    {
        _s3 = s3;
        _reference = reference;
        _owner = owner;
        Length = length;
        _tail = tail;
        _bytesRead = tail.Length;
        ETag = etag;
        VersionId = versionId;
    }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public long BytesRead => _bytesRead;

    /// <summary>The eTag of the version read (without quotes).</summary>
    public string ETag { get; }

    /// <summary>The version read, when the bucket is versioned.</summary>
    public string? VersionId { get; }

    /// <summary>Fetches the object's tail and learns its size; S3's refusals surface here, before any record is read.</summary>
    /// <exception cref="BucketOwnerRefusedException">The bucket has no expected owner, or S3 refused the owner condition.</exception>
    public static async Task<S3ObjectRanges> OpenAsync(IAmazonS3 s3, ObjectReference reference, ExpectedBucketOwners? owners,
        CancellationToken cancellationToken)
    {
        var owner = S3ObjectOpener.ExpectedOwner(owners, reference.Bucket);
        var request = Request(reference, owner, $"bytes=-{ParquetRecordSource.TailBytes}", reference.VersionId, reference.ETag);
        try
        {
            using var response = await s3.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.ContentLength > ParquetRecordSource.TailBytes)
            {
                // An S3-compatible endpoint (or a proxy) that ignores Range answers with the whole object; reading on
                // would hold it all in memory, which this reader exists to avoid.
                throw new IOException($"the S3 endpoint answered a request for the last {ParquetRecordSource.TailBytes} bytes with " +
                    $"{response.ContentLength} bytes (it ignores Range requests), so the Parquet object is not read");
            }
            var length = TotalLength(response.ContentRange) ?? response.ContentLength;
            var tail = new byte[response.ContentLength];
            await response.ResponseStream.ReadExactlyAsync(tail, cancellationToken).ConfigureAwait(false);
            var etag = S3ObjectOpener.Unquoted(response.ETag ?? reference.ETag ?? "");
            return new S3ObjectRanges(s3, reference, owner, length, tail, etag, response.VersionId ?? reference.VersionId);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return new S3ObjectRanges(s3, reference, owner, 0, [], S3ObjectOpener.Unquoted(reference.ETag ?? ""), reference.VersionId); // zero bytes
        }
        catch (AmazonS3Exception ex) when (owner is not null && ex.StatusCode == HttpStatusCode.Forbidden)
        {
            throw S3ObjectOpener.OwnerRefused(reference, owner, ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var tailStart = Length - _tail.Length;
        if (offset >= tailStart)
        {
            _tail.AsMemory((int)(offset - tailStart), destination.Length).CopyTo(destination);
            return;
        }
        if (destination.IsEmpty)
        {
            return;
        }
        var range = string.Create(CultureInfo.InvariantCulture, $"bytes={offset}-{offset + destination.Length - 1}");
        try
        {
            using var response = await _s3.GetObjectAsync(Request(_reference, _owner, range, VersionId, ETag), cancellationToken).ConfigureAwait(false);
            await response.ResponseStream.ReadExactlyAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Amazon.Runtime.AmazonServiceException ex)
        {
            // The pipeline reports a transport fault as a failed (retryable) object, progress kept.
            var reason = ex.StatusCode == HttpStatusCode.PreconditionFailed ? "the object was overwritten since it was opened" : ex.Message;
            throw new IOException($"S3 ranged read of bytes {offset}-{offset + destination.Length - 1} failed ({(int)ex.StatusCode}): {reason}", ex);
        }
        _bytesRead += destination.Length;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static GetObjectRequest Request(ObjectReference reference, string? owner, string range, string? versionId, string? etag)
    {
        var request = new GetObjectRequest
        {
            BucketName = reference.Bucket,
            Key = reference.Key,
            ExpectedBucketOwner = owner,
            ByteRange = new ByteRange(range),
        };
        S3ObjectOpener.Pin(request, versionId, etag);
        return request;
    }

    // "bytes 100-199/200": the object's size is after the slash.
    private static long? TotalLength(string? contentRange) =>
        contentRange is not null && contentRange.LastIndexOf('/') is >= 0 and var slash &&
        long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total)
            ? total
            : null;
}
