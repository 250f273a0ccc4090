using System.Globalization;
using System.IO.Compression;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>Flow log objects for backfill tests, put in a moto bucket in AWS's two layouts. Every record carries a
/// number unique in the bucket in its <c>packets</c> field, so a test can check each record arrived exactly once.</summary>
internal static class BackfillObjects
{
    public const string DefaultAccount = "123456789012";
    public const string HiveAccount = "210987654321";
    public const string HiveRoot = "hive/AWSLogs/aws-account-id=210987654321/aws-service=vpcflowlogs/aws-region=eu-west-1/";

    /// <summary>One object put: its key, its day of November 2026, and its records' numbers.</summary>
    public sealed record Put(string Key, int Day, bool Hive, long[] Ids);

    /// <summary>Puts <paramref name="perDay"/> objects for each day in each layout asked for, <paramref name="records"/> records each.</summary>
    public static async Task<List<Put>> PutAsync(IAmazonS3 s3, string bucket, int[] days, int perDay, int records, bool hive = true, bool plain = true)
    {
        var puts = new List<Put>();
        var next = 0L;
        foreach (var day in days)
        {
            for (var j = 0; j < perDay; j++)
            {
                var stamp = string.Create(CultureInfo.InvariantCulture, $"202611{day:D2}T{j % 24:D2}{j * 7 % 60:D2}Z");
                if (plain)
                {
                    puts.Add(new Put(string.Create(CultureInfo.InvariantCulture,
                        $"AWSLogs/{DefaultAccount}/vpcflowlogs/us-east-1/2026/11/{day:D2}/{DefaultAccount}_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_{stamp}_{j:x8}.log.gz"),
                        day, false, Ids(ref next, records)));
                }
                if (hive)
                {
                    puts.Add(new Put(string.Create(CultureInfo.InvariantCulture,
                        $"{HiveRoot}year=2026/month=11/day={day:D2}/hour={j % 24:D2}/{HiveAccount}_vpcflowlogs_eu-west-1_fl-05c6d7e8f9a0b1c2d_{stamp}_{j:x8}.log.gz"),
                        day, true, Ids(ref next, records)));
                }
            }
        }
        // A few at a time: moto is one process on a shared machine.
        await Parallel.ForEachAsync(puts, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (put, ct) =>
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = put.Key, InputStream = Gzip(put.Ids) }, ct));
        return puts;
    }

    private static long[] Ids(ref long next, int count)
    {
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = next++;
        }
        return ids;
    }

    private static MemoryStream Gzip(long[] ids)
    {
        var text = new StringBuilder(FlowLogGenerator.DefaultHeader).Append('\n');
        foreach (var id in ids)
        {
            text.Append(FlowLogGenerator.Line(id)).Append('\n');
        }
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text.ToString()));
        }
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>The record number the loopback server reads from each record.</summary>
    public static long PacketsId(System.Text.Json.JsonElement record) =>
        record.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64();
}
