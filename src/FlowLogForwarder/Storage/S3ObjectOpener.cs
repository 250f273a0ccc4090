using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Lambda.Events;

namespace FlowLogForwarder.Lambda.Storage;

/// <summary>Opens the exact object an event named (its version, else its eTag) as a stream straight from S3.</summary>
public sealed class S3ObjectOpener(IAmazonS3 s3)
{
    /// <summary>Starts the GET and returns the response body stream; nothing is buffered.</summary>
    public async Task<Stream> OpenAsync(ObjectReference reference, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = reference.Bucket, Key = reference.Key };
        if (!string.IsNullOrEmpty(reference.VersionId))
        {
            request.VersionId = reference.VersionId;
        }
        else if (!string.IsNullOrEmpty(reference.ETag))
        {
            // Without versioning, a later overwrite must not be read in place of the object this event named.
            request.EtagToMatch = reference.ETag.StartsWith('"') ? reference.ETag : $"\"{reference.ETag}\"";
        }
        var response = await s3.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
        return response.ResponseStream;
    }
}
