using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>
/// Lists the objects under an S3 prefix, page by page (ListObjectsV2, 1,000 keys a page), and hands on those the
/// <see cref="ObjectSelection"/> takes. When the prefix names one region's folder and the window is closed, only the
/// day folders of the window are listed (with a day's margin either side, as a file's timestamp can fall just across
/// midnight from its folder), so a week out of years of logs costs a week of listing.
/// </summary>
internal sealed class ObjectLister(IAmazonS3 s3, ForwardingPolicy policy)
{
    // More day folders than this and listing the whole prefix is as cheap.
    private const int MaxDayPrefixes = 3660;

    /// <summary>Keys listed so far, selected or not.</summary>
    public long KeysListed => Interlocked.Read(ref _keysListed);

    private long _keysListed;

    /// <summary>The selected objects, in key order within each listed prefix; the eTag is the listing's (unquoted).</summary>
    public async IAsyncEnumerable<ObjectReference> ListAsync(S3Prefix location, ObjectSelection selection,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var owner = policy.ExpectedBucketOwners?.OwnerOf(location.Bucket);
        foreach (var prefix in Prefixes(location.Prefix, selection.Window))
        {
            string? token = null;
            do
            {
                var page = await s3.ListObjectsV2Async(new ListObjectsV2Request
                {
                    BucketName = location.Bucket,
                    Prefix = prefix,
                    ContinuationToken = token,
                    ExpectedBucketOwner = owner,
                }, cancellationToken).ConfigureAwait(false);
                foreach (var item in page.S3Objects ?? [])
                {
                    Interlocked.Increment(ref _keysListed);
                    var reference = new ObjectReference(location.Bucket, item.Key, item.Size, item.ETag?.Trim('"'), VersionId: null, EventTime: null);
                    if (selection.SkipReason(reference, policy) is null)
                    {
                        yield return reference;
                    }
                }
                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token is not null);
        }
    }

    /// <summary>The prefixes to list: the day folders of a closed window under a region's folder, else the prefix itself.</summary>
    internal static IEnumerable<string> Prefixes(string prefix, TimeWindow window)
    {
        var segments = prefix.TrimEnd('/').Split('/');
        var regionFolder = segments.Length >= 4 && segments[^4] == "AWSLogs" && segments[^2] is "vpcflowlogs" or "aws-service=vpcflowlogs";
        if (!regionFolder || window.From is not { } from || window.To is not { } to || (to - from).TotalDays > MaxDayPrefixes)
        {
            return [prefix];
        }
        var hive = segments[^2].StartsWith("aws-service=", StringComparison.Ordinal);
        var root = prefix.TrimEnd('/') + "/";
        var days = new List<string>();
        for (var day = from.UtcDateTime.Date.AddDays(-1); day <= to.UtcDateTime.Date.AddDays(1); day = day.AddDays(1))
        {
            days.Add(root + (hive
                ? day.ToString("'year='yyyy'/month='MM'/day='dd'/'", CultureInfo.InvariantCulture)
                : day.ToString("yyyy'/'MM'/'dd'/'", CultureInfo.InvariantCulture)));
        }
        return days;
    }
}
