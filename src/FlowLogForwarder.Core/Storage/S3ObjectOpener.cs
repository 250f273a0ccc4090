using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Events;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Storage;

/// <summary>An object being read: its body (a stream, or for Parquet <paramref name="Ranges"/>) and the identity of the version it is.</summary>
public sealed record OpenedObject(Stream Body, string ETag, string? VersionId, IObjectRanges? Ranges = null)
{
    /// <summary>Releases the body without reading it.</summary>
    public async ValueTask CloseAsync()
    {
        await Body.DisposeAsync().ConfigureAwait(false);
        if (Ranges is not null)
        {
            await Ranges.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Opens the exact object an event named (its version, else its eTag) as a stream straight from S3; with
/// expected owners configured, only from a bucket that S3 confirms is owned by the expected account.</summary>
public sealed class S3ObjectOpener(IAmazonS3 s3, ExpectedBucketOwners? owners = null)
{
    /// <summary>Starts the GET and returns the response body stream; nothing is buffered.</summary>
    /// <exception cref="BucketOwnerRefusedException">The bucket has no expected owner, or S3 refused the owner condition.</exception>
    public async Task<OpenedObject> OpenAsync(ObjectReference reference, CancellationToken cancellationToken)
    {
        var owner = ExpectedOwner(owners, reference.Bucket);
        var request = new GetObjectRequest
        {
            BucketName = reference.Bucket,
            Key = reference.Key,
            ExpectedBucketOwner = owner,
            // An open-ended range reads the whole object but spares the SDK's whole-body MD5 check, which allocates
            // about 1.4 bytes per byte read (45 MB for a 32 MB object) and so grows the heap with the object.
            // Integrity is kept: gzip's CRC-32 is checked by every decompression, and the transport is TLS.
            ByteRange = new ByteRange("bytes=0-"),
        };
        Pin(request, reference.VersionId, reference.ETag);
        try
        {
            var response = await s3.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return new OpenedObject(response.ResponseStream, Unquoted(response.ETag ?? reference.ETag ?? ""), response.VersionId ?? reference.VersionId);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return new OpenedObject(Stream.Null, Unquoted(reference.ETag ?? ""), reference.VersionId); // a zero-byte object has no byte 0
        }
        catch (AmazonS3Exception ex) when (owner is not null && ex.StatusCode == HttpStatusCode.Forbidden)
        {
            throw OwnerRefused(reference, owner, ex);
        }
    }

    /// <summary>Pins <paramref name="request"/> to one version of the object: its version id, else its eTag.</summary>
    internal static void Pin(GetObjectRequest request, string? versionId, string? etag)
    {
        if (!string.IsNullOrEmpty(versionId))
        {
            request.VersionId = versionId;
        }
        else if (!string.IsNullOrEmpty(etag))
        {
            // Without versioning, a later overwrite must not be read in place of the object this event named.
            request.EtagToMatch = Quoted(etag);
        }
    }

    /// <summary>The error for a 403 on a read that carried the owner condition.</summary>
    internal static BucketOwnerRefusedException OwnerRefused(ObjectReference reference, string owner, AmazonS3Exception ex) =>
        // S3 answers an owner mismatch with a plain 403 AccessDenied, the same answer as a missing permission.
        new($"S3 refused the read (403 {ex.ErrorCode}): bucket '{reference.Bucket}' is not owned by the expected account {owner} " +
            $"({ForwarderOptions.Variables.ExpectedBucketOwner}), or the function may not read it", ex);

    /// <summary>The owner every S3 call for <paramref name="bucket"/> must name: null when no owners are configured.</summary>
    /// <exception cref="BucketOwnerRefusedException">Owners are configured but none for this bucket.</exception>
    internal static string? ExpectedOwner(ExpectedBucketOwners? owners, string bucket) => owners is null
        ? null
        : owners.OwnerOf(bucket) ?? throw new BucketOwnerRefusedException(
            $"bucket '{bucket}' has no expected owner in {ForwarderOptions.Variables.ExpectedBucketOwner}; not read");

    private static string Quoted(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";

    /// <summary>An eTag without S3's quotes.</summary>
    internal static string Unquoted(string etag) => etag.Trim('"');
}
