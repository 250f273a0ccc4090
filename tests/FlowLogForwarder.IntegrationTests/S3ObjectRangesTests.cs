using Amazon.S3.Model;
using FlowLogForwarder.Events;
using FlowLogForwarder.Storage;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>Ranged reads of an S3 object against moto's S3: the tail first, then pinned ranges.</summary>
public sealed class S3ObjectRangesTests(MotoFixture aws) : IClassFixture<MotoFixture>
{
    private const string Key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/x.log.parquet";

    private async Task<(string Bucket, byte[] Bytes, string ETag)> PutAsync(int length)
    {
        var bucket = "rng-" + Guid.NewGuid().ToString("N")[..12];
        await aws.S3.PutBucketAsync(bucket);
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var put = await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Key, InputStream = new MemoryStream(bytes) });
        return (bucket, bytes, put.ETag);
    }

    [Fact]
    public async Task Opening_reads_only_the_tail_and_later_ranges_are_exact()
    {
        var (bucket, bytes, etag) = await PutAsync(300_000);

        await using var ranges = await S3ObjectRanges.OpenAsync(aws.S3, new ObjectReference(bucket, Key, bytes.Length, etag, null, null), null, CancellationToken.None);

        Assert.Equal(bytes.Length, ranges.Length);
        Assert.Equal(64 * 1024, ranges.BytesRead);
        Assert.Equal(etag.Trim('"'), ranges.ETag);
        var middle = new byte[10_000];
        await ranges.ReadAsync(123_456, middle, CancellationToken.None);
        Assert.Equal(bytes.AsSpan(123_456, 10_000).ToArray(), middle);
        var tail = new byte[100];
        await ranges.ReadAsync(bytes.Length - 100, tail, CancellationToken.None);
        Assert.Equal(bytes[^100..], tail);
        Assert.Equal(64 * 1024 + 10_000, ranges.BytesRead); // the tail was served from the first read
    }

    [Fact]
    public async Task An_object_smaller_than_the_tail_is_read_whole_by_the_first_request()
    {
        var (bucket, bytes, etag) = await PutAsync(5_000);

        await using var ranges = await S3ObjectRanges.OpenAsync(aws.S3, new ObjectReference(bucket, Key, bytes.Length, etag, null, null), null, CancellationToken.None);
        var all = new byte[bytes.Length];
        await ranges.ReadAsync(0, all, CancellationToken.None);

        Assert.Equal(bytes.Length, ranges.Length);
        Assert.Equal(bytes, all);
        Assert.Equal(bytes.Length, ranges.BytesRead);
    }

    [Fact]
    public async Task An_object_overwritten_after_opening_fails_the_next_range_instead_of_mixing_versions()
    {
        var (bucket, bytes, etag) = await PutAsync(200_000);
        await using var ranges = await S3ObjectRanges.OpenAsync(aws.S3, new ObjectReference(bucket, Key, bytes.Length, etag, null, null), null, CancellationToken.None);
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Key, InputStream = new MemoryStream(new byte[200_000]) });

        var error = await Assert.ThrowsAsync<IOException>(async () => await ranges.ReadAsync(0, new byte[1_000], CancellationToken.None));

        Assert.Contains("(412): the object was overwritten since it was opened", error.Message, StringComparison.Ordinal);
    }
}
