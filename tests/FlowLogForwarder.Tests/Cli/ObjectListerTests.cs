using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Cli.Backfill;
using FlowLogForwarder.Handling;
using Moq;

namespace FlowLogForwarder.Tests.Cli;

/// <summary>The backfill's listing over an S3 double (Moq) that pages as ListObjectsV2 does.</summary>
public class ObjectListerTests
{
    private const string Day = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/";

    private static string Flow(int i) => $"{Day}123456789012_vpcflowlogs_us-east-1_fl-1_20261122T10{i % 60:D2}Z_{i:x8}.log.gz";

    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    /// <summary>An S3 holding <paramref name="objects"/> (key, size) in key order, served MaxKeys (default 1,000) a page,
    /// the continuation token being the index of the next key; counts the pages served.</summary>
    private static Mock<IAmazonS3> Bucket(IReadOnlyList<(string Key, long Size)> objects, List<int?> pageSizes)
    {
        var sorted = objects.OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(s => s.ListObjectsV2Async(It.IsAny<ListObjectsV2Request>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ListObjectsV2Request r, CancellationToken _) =>
            {
                pageSizes.Add(r.MaxKeys);
                var matching = sorted.Where(o => o.Key.StartsWith(r.Prefix ?? "", StringComparison.Ordinal)).ToList();
                var start = r.ContinuationToken is null ? 0 : int.Parse(r.ContinuationToken, System.Globalization.CultureInfo.InvariantCulture);
                var size = r.MaxKeys ?? 1000;
                var page = matching.Skip(start).Take(size).ToList();
                var truncated = start + size < matching.Count;
                return new ListObjectsV2Response
                {
                    S3Objects = [.. page.Select(o => new S3Object { Key = o.Key, Size = o.Size, ETag = "\"e\"" })],
                    IsTruncated = truncated,
                    NextContinuationToken = truncated ? (start + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
                };
            });
        return s3;
    }

    private static async Task<List<string>> ListAsync(ObjectLister lister, string prefix, ObjectSelection selection)
    {
        var keys = new List<string>();
        await foreach (var reference in lister.ListAsync(new S3Prefix("b", prefix), selection, CancellationToken.None))
        {
            keys.Add(reference.Key);
        }
        return keys;
    }

    [Fact]
    public async Task Keys_not_selected_are_counted_by_reason_and_the_surprising_ones_warned_about()
    {
        (string, long)[] objects =
        [
            (Flow(1), 100), (Flow(2), 100),
            (Flow(3), 5_000), (Flow(4), 6_000), // over the limit below
            ($"{Day}123456789012_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_a.log.parquet", 100),
            ("AWSLogs/123456789012/vpcflowlogs/us-east-1/custom/undated.log.gz", 100),
            ("AWSLogs/123456789012/notes/readme.txt", 100),
            ($"{Day}123456789012_vpcflowlogs_us-east-1_fl-1_20261125T1005Z_b.log.gz", 100), // after --to
        ];
        var lister = new ObjectLister(Bucket(objects, []).Object, new ForwardingPolicy { MaxObjectBytes = 1_000 });
        var window = new TimeWindow(new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

        var keys = await ListAsync(lister, "AWSLogs/", new ObjectSelection(window, None, None, None));

        // Parquet objects are forwarded like text ones (the function's filter is the rule), so the dated one is selected.
        Assert.Equal([Flow(1), Flow(2), $"{Day}123456789012_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_a.log.parquet"], keys);
        Assert.Equal(8, lister.KeysListed);
        Assert.Equal(5, lister.Excluded.Values.Sum());
        Assert.Equal(2, lister.Excluded["over FLOWLOG_MAX_OBJECT_BYTES (1000 bytes)"]);
        Assert.Equal(1, lister.Excluded["no date in the key (--from/--to needs one)"]);
        Assert.Equal(1, lister.Excluded["outside --from/--to"]);
        Assert.Equal(1, lister.Excluded.Single(e => e.Key.Contains("vpcflowlogs", StringComparison.Ordinal) && e.Key.StartsWith("not", StringComparison.Ordinal)).Value);
        var warnings = lister.Warnings().ToList();
        Assert.Contains(warnings, w => w.StartsWith("2 object(s) larger than FLOWLOG_MAX_OBJECT_BYTES", StringComparison.Ordinal));
        // Parquet: whatever the function's filter says is the rule; when it refuses the object, the user is told why.
        var parquetRefused = ObjectFilter.SkipReason(new("b", "AWSLogs/123456789012/vpcflowlogs/x.log.parquet", 100, "e", null, null), new ForwardingPolicy());
        Assert.Equal(parquetRefused is not null, warnings.Any(w => w.StartsWith("1 Parquet object(s) not forwarded", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Paging_seven_keys_at_a_time_hands_on_every_key_once_in_order()
    {
        // 23 flow logs on 22 November, 9 on the 23rd, and 3 keys that are not flow logs: 35 keys,, 5 pages of 7 over the whole
        // prefix; listed by day folder (a region's folder and a closed window), each folder pages on its own.
        var objects = Enumerable.Range(0, 23).Select(i => (Flow(i), 100L))
            .Concat(Enumerable.Range(0, 9).Select(i => ($"{Day.Replace("/22/", "/23/", StringComparison.Ordinal)}123456789012_vpcflowlogs_us-east-1_fl-1_20261123T10{i:D2}Z_{i:x8}.log.gz", 100L)))
            .Concat(Enumerable.Range(0, 3).Select(i => ($"AWSLogs/123456789012/notes/{i}.txt", 100L))).ToList();
        var expected = objects.Where(o => o.Item1.EndsWith(".log.gz", StringComparison.Ordinal)).Select(o => o.Item1).Order(StringComparer.Ordinal).ToList();

        var pages = new List<int?>();
        var lister = new ObjectLister(Bucket(objects, pages).Object, new ForwardingPolicy()) { MaxKeys = 7 };
        var keys = await ListAsync(lister, "AWSLogs/", new ObjectSelection(new TimeWindow(null, null), None, None, None));

        Assert.Equal(expected, keys);
        Assert.Equal(35, lister.KeysListed);
        Assert.Equal(3, lister.Excluded.Values.Sum());
        Assert.Equal(5, pages.Count);
        Assert.All(pages, p => Assert.Equal(7, p));

        var dayPages = new List<int?>();
        var byDay = new ObjectLister(Bucket(objects, dayPages).Object, new ForwardingPolicy()) { MaxKeys = 7 };
        var window = new TimeWindow(new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 23, 23, 59, 59, TimeSpan.Zero));
        var dayKeys = await ListAsync(byDay, "AWSLogs/123456789012/vpcflowlogs/us-east-1/", new ObjectSelection(window, None, None, None));

        Assert.Equal(expected, dayKeys);
        Assert.Equal(32, byDay.KeysListed); // the notes are outside the region's folder
        // The 21st and 24th are empty (one page each); the 22nd holds 23 keys (4 pages), the 23rd 9 (2 pages).
        Assert.Equal(1 + 4 + 2 + 1, dayPages.Count);
    }
}
