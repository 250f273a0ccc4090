using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using FlowLogForwarder.TestSupport;
using Xunit.Abstractions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// Parquet flow log objects (written by DuckDB) forwarded by the published Native AOT bootstrap from moto's S3 to a
/// loopback SigNoz: Parquet.Net's typed read path under AOT, ranged GETs, and the same records as text.
/// </summary>
public sealed class BootstrapParquetTests(MotoFixture aws, ITestOutputHelper output) : IClassFixture<MotoFixture>, IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("bootstrap-parquet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string FlowKey(string flowLogId, string extension) =>
        $"AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=22/hour=10/" +
        $"123456789012_vpcflowlogs_us-east-1_{flowLogId}_20261122T1005Z_ab.{extension}";

    private async Task<string> NewBucketAsync()
    {
        var bucket = "pq-" + Guid.NewGuid().ToString("N")[..12];
        await aws.S3.PutBucketAsync(bucket);
        return bucket;
    }

    // Every field of v2 to v8, with rows where each nullable column is null in some row and set in another.
    private static string AllFieldsText(int rows)
    {
        var text = new StringBuilder(AllFieldsRecord.Header).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            text.AppendJoin(' ', AllFieldsRecord.Fields.Select((f, column) => (i + column) % 5 == 0 && f.Name is not ("version" or "end")
                ? "-"
                : f.Name switch
                {
                    "srcport" => (1024 + i).ToString(CultureInfo.InvariantCulture),
                    "bytes" => (1000L * i + 7).ToString(CultureInfo.InvariantCulture),
                    "end" => (1763805960 + i).ToString(CultureInfo.InvariantCulture),
                    _ => f.Value,
                })).Append('\n');
        }
        return text.ToString();
    }

    private static List<JsonElement> Records(LoopbackSigNozServer signoz) =>
        [.. signoz.AcceptedBodies.SelectMany(b => JsonDocument.Parse(b).RootElement.EnumerateArray().Select(e => e.Clone()))];

    // A record without the resource naming its object key, which differs between the two objects by design.
    private static string WithoutKey(JsonElement record)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(record.GetRawText())!;
        node["resources"]!.AsObject().Remove("aws.s3.key");
        return node.ToJsonString();
    }

    [Fact]
    public async Task A_Parquet_object_is_forwarded_as_the_same_records_as_its_text_by_the_AOT_bootstrap()
    {
        var bucket = await NewBucketAsync();
        var text = AllFieldsText(10_000);
        var parquet = Path.Combine(_dir, "all-fields.parquet");
        await DuckDbParquet.WriteAsync(text, parquet, rowGroupSize: 2_048); // 5 row groups
        var parquetKey = FlowKey("fl-parquet", "log.parquet");
        var textKey = FlowKey("fl-text", "log.gz");
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = parquetKey, FilePath = parquet });
        var gzip = new MemoryStream();
        using (var zip = new System.IO.Compression.GZipStream(gzip, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(Encoding.UTF8.GetBytes(text));
        }
        gzip.Position = 0;
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = textKey, InputStream = gzip });

        await using var fromParquet = await LoopbackSigNozServer.StartAsync();
        await using var fromText = await LoopbackSigNozServer.StartAsync();
        await using (var runtime = await RuntimeApiEmulator.StartAsync())
        await using (var bootstrap = BootstrapProcess.Start(aws.BootstrapEnvironment(runtime, fromParquet.Endpoint)))
        {
            var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, parquetKey), TimeSpan.FromMinutes(2));
            Assert.False(outcome.IsError, outcome.Body + bootstrap.Output);
            output.WriteLine(bootstrap.Output.Split('\n').Single(l => l.Contains("\"object completed\"", StringComparison.Ordinal)));
        }
        await using (var runtime = await RuntimeApiEmulator.StartAsync())
        await using (var bootstrap = BootstrapProcess.Start(aws.BootstrapEnvironment(runtime, fromText.Endpoint)))
        {
            var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, textKey), TimeSpan.FromMinutes(2));
            Assert.False(outcome.IsError, outcome.Body + bootstrap.Output);
        }

        Assert.Equal(10_000, fromParquet.RecordsAccepted);
        var parquetRecords = Records(fromParquet).Select(WithoutKey).Order(StringComparer.Ordinal).ToList();
        var textRecords = Records(fromText).Select(WithoutKey).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(textRecords, parquetRecords);
        Assert.All(Records(fromParquet).Take(5), r => Assert.Equal(parquetKey, r.GetProperty("resources").GetProperty("aws.s3.key").GetString()));
    }

    [Fact]
    public async Task A_truncated_Parquet_object_is_unreadable_with_its_reason_and_not_retried()
    {
        var bucket = await NewBucketAsync();
        var parquet = Path.Combine(_dir, "truncated.parquet");
        await DuckDbParquet.GenerateAsync(5_000, parquet, rowGroupSize: 2_048);
        var bytes = await File.ReadAllBytesAsync(parquet);
        var key = FlowKey("fl-truncated", "log.parquet");
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes[..(bytes.Length / 2)]) });

        await using var signoz = await LoopbackSigNozServer.StartAsync();
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(aws.BootstrapEnvironment(runtime, signoz.Endpoint));
        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, key), TimeSpan.FromMinutes(1));

        Assert.False(outcome.IsError, outcome.Body); // Unreadable: a retry would read the same bytes
        Assert.Equal(0, signoz.RecordsAccepted);
        var line = bootstrap.Output.Split('\n').Single(l => l.Contains("\"object unreadable\"", StringComparison.Ordinal));
        Assert.Contains("does not end with the PAR1 magic (truncated, or not Parquet)", line, StringComparison.Ordinal);
    }

    /// <summary>
    /// The figure the README states: 1,000,000 rows in DuckDB's default row groups (122,880 rows, a multiple of its
    /// 2,048-row vectors; AWS does not document its own), gzip columns, forwarded whole by the AOT bootstrap. Memory
    /// follows the row group, not the object: the text path's budget (64 MiB, BootstrapMemoryTests) plus twice the
    /// largest row group's decoded size (Parquet's uncompressed size of its column chunks), which holds that row
    /// group's compressed bytes, one decompressed page a column and the columns' dictionaries.
    /// Run alone: dotnet test tests/FlowLogForwarder.IntegrationTests -c Release --filter "FullyQualifiedName~Parquet_million" --logger "console;verbosity=detailed"
    /// </summary>
    [Fact]
    public async Task A_Parquet_million_row_object_is_forwarded_in_memory_bounded_by_its_largest_row_group()
    {
        var bucket = await NewBucketAsync();
        var parquet = Path.Combine(_dir, "million.parquet");
        await DuckDbParquet.GenerateAsync(1_000_000, parquet);
        var largestGroup = await LargestRowGroupAsync(parquet);
        var key = FlowKey("fl-million", "log.parquet");
        await aws.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = parquet });

        await using var signoz = await LoopbackSigNozServer.StartAsync(keepBodies: false);
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(aws.BootstrapEnvironment(runtime, signoz.Endpoint));
        var outcome = await runtime.InvokeAsync(S3Events.ObjectCreatedIn(bucket, key), TimeSpan.FromMinutes(5));

        Assert.False(outcome.IsError, outcome.Body + bootstrap.Output);
        Assert.Equal(1_000_000, signoz.RecordsAccepted);
        var peak = bootstrap.PeakResidentBytes();
        var summary = JsonDocument.Parse(bootstrap.Output.Split('\n').Single(l => l.Contains("\"object completed\"", StringComparison.Ordinal)))
            .RootElement.GetProperty("summary");
        // The row group's rows as text: its share of the text the object was rendered to (lines and their line ends).
        var groupText = largestGroup.Rows * summary.GetProperty("bytesDecompressed").GetInt64() / summary.GetProperty("lines").GetInt64();
        var seconds = TimeSpan.Parse(summary.GetProperty("duration").GetString()!, CultureInfo.InvariantCulture).TotalSeconds;
        output.WriteLine($"object {new FileInfo(parquet).Length / (double)MiB:F1} MiB; largest row group {largestGroup.Rows:N0} rows, " +
            $"{largestGroup.UncompressedBytes / (double)MiB:F1} MiB uncompressed (Parquet's size), {groupText / (double)MiB:F1} MiB as text");
        output.WriteLine($"bootstrap peak RSS {peak / (double)MiB:F1} MiB; {1_000_000 / seconds:N0} records/s ({seconds:F1} s); {bootstrap.MemoryStatus()}");
        output.WriteLine(summary.GetRawText());
        var bound = 64 * MiB + 2 * largestGroup.UncompressedBytes;
        Assert.True(peak <= bound, $"peak RSS {peak / MiB} MiB is over 64 MiB + 2 x the largest row group's decoded size ({largestGroup.UncompressedBytes / MiB} MiB)");
    }

    // The largest row group by Parquet's own account: rows and uncompressed bytes of its column chunks.
    private static async Task<(long Rows, long UncompressedBytes)> LargestRowGroupAsync(string path)
    {
        await using var file = File.OpenRead(path);
        await using var reader = await Parquet.ParquetReader.CreateAsync(file);
        return reader.Metadata!.RowGroups.Select(g => (g.NumRows, g.Columns.Sum(c => c.MetaData!.TotalUncompressedSize))).MaxBy(g => g.NumRows);
    }
}
