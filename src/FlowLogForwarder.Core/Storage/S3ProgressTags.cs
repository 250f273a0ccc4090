using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Events;

namespace FlowLogForwarder.Storage;

/// <summary>How far an earlier attempt got with one version of an object (identified by its eTag).</summary>
public sealed record ProgressMark(string ETag, long DeliveredThroughLine, bool Done);

/// <summary>
/// Records delivery progress durably on the flow log object itself, as the S3 object tag
/// <paramref name="tagKey"/> = <c>{eTag}/{line}</c> or <c>{eTag}/done</c>. A retried or duplicated event then resumes
/// after the last acknowledged line, and an object already delivered is skipped. The key is per destination
/// (<see cref="ProgressTagKey"/>), so deployments sharing a bucket keep apart; every other tag, theirs included, is kept.
/// </summary>
public sealed class S3ProgressTags(IAmazonS3 s3, string tagKey, ExpectedBucketOwners? owners = null)
{
    private const int MaxTags = 10; // S3's limit per object

    /// <summary>The tag's key.</summary>
    public string TagKey { get; } = ProgressTagKey.Problem(tagKey) is { } problem
        ? throw new ArgumentException($"'{tagKey}' is not an S3 tag key: it {problem}", nameof(tagKey))
        : tagKey;

    /// <summary>The mark left by an earlier attempt, or null.</summary>
    public async Task<ProgressMark?> ReadAsync(ObjectReference reference, string? versionId, CancellationToken cancellationToken)
    {
        var tags = await GetTagsAsync(reference, versionId, cancellationToken).ConfigureAwait(false);
        var value = tags.FirstOrDefault(t => t.Key == TagKey)?.Value;
        if (value?.Split('/') is not [var etag, var progress] || etag.Length == 0)
        {
            return null;
        }
        if (progress == "done")
        {
            return new ProgressMark(etag, 0, Done: true);
        }
        return long.TryParse(progress, NumberStyles.None, CultureInfo.InvariantCulture, out var line)
            ? new ProgressMark(etag, line, Done: false)
            : null;
    }

    /// <summary>Writes the mark; returns a reason when it could not (no room among the object's tags).</summary>
    public async Task<string?> WriteAsync(ObjectReference reference, string? versionId, ProgressMark mark, CancellationToken cancellationToken)
    {
        var tags = await GetTagsAsync(reference, versionId, cancellationToken).ConfigureAwait(false);
        tags.RemoveAll(t => t.Key == TagKey);
        if (tags.Count >= MaxTags)
        {
            return $"the object already has {MaxTags} tags, so there is no room for {TagKey}";
        }
        tags.Add(new Tag { Key = TagKey, Value = mark.Done ? $"{mark.ETag}/done" : $"{mark.ETag}/{mark.DeliveredThroughLine}" });
        await s3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = reference.Bucket,
            Key = reference.Key,
            VersionId = versionId,
            ExpectedBucketOwner = S3ObjectOpener.ExpectedOwner(owners, reference.Bucket),
            Tagging = new Tagging { TagSet = tags },
        }, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<List<Tag>> GetTagsAsync(ObjectReference reference, string? versionId, CancellationToken cancellationToken)
    {
        var response = await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest
        {
            BucketName = reference.Bucket,
            Key = reference.Key,
            VersionId = versionId,
            ExpectedBucketOwner = S3ObjectOpener.ExpectedOwner(owners, reference.Bucket),
        }, cancellationToken).ConfigureAwait(false);
        return response.Tagging ?? [];
    }
}
