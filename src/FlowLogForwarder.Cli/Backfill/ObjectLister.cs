using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Configuration;
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

    /// <summary>Keys asked for per ListObjectsV2 page; null leaves S3's own 1,000. A seam, so tests can page through few keys.</summary>
    internal int? MaxKeys { get; init; }

    private readonly ConcurrentDictionary<string, long> _excluded = new(StringComparer.Ordinal);
    private long _keysListed, _parquetRefused, _oversized;
    private string? _parquetReason;

    /// <summary>Keys listed so far, selected or not.</summary>
    public long KeysListed => Interlocked.Read(ref _keysListed);

    /// <summary>Keys listed and not selected, by reason (sizes over the limit share one reason), in reason order.</summary>
    public IReadOnlyDictionary<string, long> Excluded => new SortedDictionary<string, long>(_excluded, StringComparer.Ordinal);

    /// <summary>Exclusions the user probably did not mean: flow logs the function cannot take, said once each.</summary>
    public IEnumerable<string> Warnings()
    {
        if (Interlocked.Read(ref _parquetRefused) is > 0 and var parquet)
        {
            yield return $"{parquet} Parquet object(s) not forwarded: {_parquetReason}";
        }
        if (Interlocked.Read(ref _oversized) is > 0 and var oversized)
        {
            yield return $"{oversized} object(s) larger than {ForwarderOptions.Variables.MaxObjectBytes} ({policy.MaxObjectBytes} bytes) not forwarded; " +
                "raise it to include them";
        }
    }

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
                    MaxKeys = MaxKeys,
                    ExpectedBucketOwner = owner,
                }, cancellationToken).ConfigureAwait(false);
                foreach (var item in page.S3Objects ?? [])
                {
                    Interlocked.Increment(ref _keysListed);
                    var reference = new ObjectReference(location.Bucket, item.Key, item.Size, item.ETag?.Trim('"'), VersionId: null, EventTime: null);
                    if (selection.SkipReason(reference, policy) is not { } reason)
                    {
                        yield return reference;
                        continue;
                    }
                    Exclude(reference, reason);
                }
                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token is not null);
        }
    }

    private void Exclude(ObjectReference reference, string reason)
    {
        if (reference.Size > policy.MaxObjectBytes && ObjectFilter.SkipReason(reference, policy) is not null)
        {
            // The function's reason names each object's size; one count for all of them.
            Interlocked.Increment(ref _oversized);
            reason = $"over {ForwarderOptions.Variables.MaxObjectBytes} ({policy.MaxObjectBytes} bytes)";
        }
        else if (reference.Key.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) && ObjectFilter.SkipReason(reference, policy) is { } refused)
        {
            Interlocked.Increment(ref _parquetRefused);
            _parquetReason = refused;
        }
        _excluded.AddOrUpdate(reason, 1, (_, n) => n + 1);
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
        // The margin stops at the calendar's ends (0001-01-01, 9999-12-31), which have no day beyond them.
        var first = from.UtcDateTime.Date == DateTime.MinValue.Date ? DateTime.MinValue.Date : from.UtcDateTime.Date.AddDays(-1);
        var last = to.UtcDateTime.Date == DateTime.MaxValue.Date ? DateTime.MaxValue.Date : to.UtcDateTime.Date.AddDays(1);
        for (var day = first; day <= last; day = day == DateTime.MaxValue.Date ? DateTime.MaxValue : day.AddDays(1))
        {
            days.Add(root + (hive
                ? day.ToString("'year='yyyy'/month='MM'/day='dd'/'", CultureInfo.InvariantCulture)
                : day.ToString("yyyy'/'MM'/'dd'/'", CultureInfo.InvariantCulture)));
        }
        return days;
    }
}
