using System.Text.Json;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Reading;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Reading;

/// <summary>
/// Parquet objects written by DuckDB (an independent writer) in AWS's shape, forwarded through the real pipeline and
/// compared with the same records as text.
/// </summary>
public sealed class ParquetRecordSourceTests : IDisposable
{
    private const string Key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_ab";
    private readonly string _dir = Directory.CreateTempSubdirectory("parquet-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Fields up to each version, in AWS's order (AllFieldsRecord lists v2 to v8 but v6, which is transit gateway's own
    // set: TransitGatewayRecord, every v6 field).
    public static TheoryData<int, int> Versions => new()
    {
        { 2, 14 }, { 3, 21 }, { 4, 25 }, { 5, 29 }, { 6, TransitGatewayRecord.Fields.Length }, { 7, 39 }, { 8, 40 },
    };

    private static string TextObject(int version, int fieldCount)
    {
        var fields = version == 6 ? TransitGatewayRecord.Fields : AllFieldsRecord.Fields[..fieldCount];
        string Row(Func<string, string, string> value) => string.Join(' ', fields.Select(f => value(f.Name, f.Value)));
        return string.Join('\n',
            string.Join(' ', fields.Select(f => f.Name)),
            Row((name, value) => name == "version" ? version.ToString(System.Globalization.CultureInfo.InvariantCulture) : value),
            // A NODATA row: most fields absent ('-' in text, null in Parquet).
            Row((name, value) => name switch
            {
                "version" => version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "account-id" or "interface-id" or "start" or "end" => value,
                "log-status" => "NODATA",
                _ => "-",
            }),
            // A rejected IPv6 flow with other numbers, to vary every typed column.
            Row((name, value) => name switch
            {
                "version" => version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "srcaddr" or "pkt-srcaddr" => "2001:db8::17",
                "dstaddr" or "pkt-dstaddr" => "2001:db8:1::9",
                "srcport" => "0", "dstport" => "65535", "protocol" => "58", "packets" => "9223372036854775807", "bytes" => "4294967296",
                "action" => "REJECT", "type" => "IPv6", "tcp-flags" => "0", "traffic-path" => "1", "flow-direction" => "ingress",
                _ => value,
            })) + "\n";
    }

    private async Task<string> ParquetAsync(string text, int rowGroupSize = 122_880, params (string, string)[] types)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".log.parquet");
        await DuckDbParquet.WriteAsync(text, path, rowGroupSize, types);
        return path;
    }

    private static async Task<(ForwardingSummary Summary, List<JsonElement> Records)> ForwardParquetAsync(IObjectRanges source, long resumeAfter = 0)
    {
        var sink = new CollectingSink();
        var pipeline = new FlowLogPipeline(sink, new PipelineOptions(), TimeProvider.System);
        var summary = await pipeline.ForwardParquetAsync(source, FlowLogSource.FromKey("flow-bucket", Key), CancellationToken.None, resumeAfter);
        return (summary, sink.Records());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_record_as_Parquet_and_as_text_gives_identical_JSON_body_included(int version, int fieldCount)
    {
        var text = TextObject(version, fieldCount);
        var parquet = await ParquetAsync(text);

        var (parquetSummary, fromParquet) = await ForwardParquetAsync(FileObjectRanges.Open(parquet));
        var sink = new CollectingSink();
        var textSummary = await new FlowLogPipeline(sink, new PipelineOptions(), TimeProvider.System)
            .ForwardAsync(TestHelpers.Gzip(text), FlowLogSource.FromKey("flow-bucket", Key), CancellationToken.None);
        var fromText = sink.Records();

        Assert.Equal(ObjectOutcome.Completed, parquetSummary.Outcome);
        Assert.Equal(3, parquetSummary.RecordsForwarded);
        Assert.Equal(textSummary.RecordsForwarded, parquetSummary.RecordsForwarded);
        Assert.Equal(fromText.Select(r => r.GetRawText()), fromParquet.Select(r => r.GetRawText()));
        // The body is AWS's text line, so the comparison above covers every field's rendering.
        Assert.Equal(text.Split('\n')[1], fromParquet[0].GetProperty("body").GetString());
        Assert.Equal(fieldCount, fromParquet[0].GetProperty("body").GetString()!.Split(' ').Length);
    }

    [Fact]
    public async Task Rows_of_every_row_group_are_numbered_over_the_object_and_read_one_group_at_a_time()
    {
        // DuckDB's row groups hold a multiple of 2048 rows: 4 groups of 4096 and one of 3616.
        var path = Path.Combine(_dir, "many.parquet");
        await DuckDbParquet.GenerateAsync(20_000, path, rowGroupSize: 4_096);
        var recorder = new RecordingRanges(FileObjectRanges.Open(path));

        var (summary, records) = await ForwardParquetAsync(recorder);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(20_000, summary.RecordsForwarded);
        Assert.Equal(20_000, summary.AcknowledgedThroughLine);
        Assert.Equal(20_000, records.Select(r => r.GetProperty("body").GetString()).Distinct().Count());
        // The tail (footer), the 4-byte head, then one read per row group; none of them the whole object.
        Assert.Equal(2 + 5, recorder.Reads.Count);
        Assert.All(recorder.Reads, r => Assert.True(r.Length < recorder.Length / 2, $"a read of {r.Length} of {recorder.Length} bytes"));
    }

    [Fact]
    public async Task Resuming_after_a_row_skips_the_groups_delivered_before_without_fetching_them()
    {
        var path = Path.Combine(_dir, "resume.parquet");
        await DuckDbParquet.GenerateAsync(20_000, path, rowGroupSize: 4_096);
        var (_, all) = await ForwardParquetAsync(FileObjectRanges.Open(path));
        var recorder = new RecordingRanges(FileObjectRanges.Open(path));

        var (summary, records) = await ForwardParquetAsync(recorder, resumeAfter: 10_000);

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(10_000, summary.RecordsForwarded);
        Assert.Equal(10_000, summary.LinesAlreadyDelivered);
        Assert.Equal(20_000, summary.AcknowledgedThroughLine);
        Assert.Equal(all.Skip(10_000).Select(r => r.GetRawText()), records.Select(r => r.GetRawText()));
        // Tail, head, and row groups 3 to 5 (rows 8193 on): groups 1 and 2 were delivered whole and are never fetched.
        Assert.Equal(2 + 3, recorder.Reads.Count);
        var (_, secondGroupEnd) = await RowGroupRangeAsync(path, 1);
        Assert.DoesNotContain(recorder.Reads, r => r.Length > 4 && r.Offset < secondGroupEnd);
    }

    [Fact]
    public async Task A_truncated_object_is_unreadable_and_says_so()
    {
        var path = await ParquetAsync(TextObject(5, 29));
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 2 / 3)]);

        var (summary, records) = await ForwardParquetAsync(FileObjectRanges.Open(path));

        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.Contains("does not end with the PAR1 magic (truncated, or not Parquet)", summary.Error, StringComparison.Ordinal);
        Assert.Empty(records);
    }

    [Fact]
    public async Task A_corrupt_footer_is_unreadable_and_says_so()
    {
        var path = await ParquetAsync(TextObject(5, 29));
        var bytes = await File.ReadAllBytesAsync(path);
        var footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        bytes.AsSpan(bytes.Length - 8 - footerLength, footerLength).Fill(0xFF);
        await File.WriteAllBytesAsync(path, bytes);

        var (summary, records) = await ForwardParquetAsync(FileObjectRanges.Open(path));

        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.StartsWith("corrupt Parquet footer: ", summary.Error, StringComparison.Ordinal);
        Assert.Empty(records);
    }

    [Fact]
    public async Task A_footer_length_beyond_the_object_is_unreadable_and_says_so()
    {
        var path = await ParquetAsync(TextObject(2, 14));
        var bytes = await File.ReadAllBytesAsync(path);
        BitConverter.TryWriteBytes(bytes.AsSpan(bytes.Length - 8), int.MaxValue);
        await File.WriteAllBytesAsync(path, bytes);

        var (summary, _) = await ForwardParquetAsync(FileObjectRanges.Open(path));

        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.StartsWith($"corrupt Parquet footer: its length reads {int.MaxValue} bytes", summary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_footer_claiming_more_than_the_largest_footer_read_is_unreadable_without_being_fetched()
    {
        // An object (mostly zeros) larger than the cap, whose last 8 bytes claim a footer just over it.
        var path = Path.Combine(_dir, "huge-footer.parquet");
        var bytes = new byte[ParquetRecordSource.MaxFooterBytes + (1024 * 1024)];
        "PAR1"u8.CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(bytes.Length - 8), ParquetRecordSource.MaxFooterBytes + 1);
        "PAR1"u8.CopyTo(bytes.AsSpan(bytes.Length - 4));
        await File.WriteAllBytesAsync(path, bytes);

        var (summary, records) = await ForwardParquetAsync(FileObjectRanges.Open(path));

        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.StartsWith($"corrupt Parquet footer: its length reads {ParquetRecordSource.MaxFooterBytes + 1} bytes", summary.Error, StringComparison.Ordinal);
        Assert.Empty(records);
    }

    [Fact]
    public async Task A_corrupt_row_group_stops_the_object_as_unreadable_after_delivering_the_groups_before_it()
    {
        var path = Path.Combine(_dir, "corrupt-group.parquet");
        await DuckDbParquet.GenerateAsync(6_000, path, rowGroupSize: 2_048);
        var bytes = await File.ReadAllBytesAsync(path);
        var (start, end) = await RowGroupRangeAsync(path, 1);
        bytes.AsSpan((int)start, (int)(end - start)).Fill(0xFF);
        await File.WriteAllBytesAsync(path, bytes);

        var (summary, records) = await ForwardParquetAsync(FileObjectRanges.Open(path));

        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.StartsWith("corrupt Parquet row group 2 (rows 2049-4096), column 'version': ", summary.Error, StringComparison.Ordinal);
        Assert.Equal(2_048, records.Count);
        Assert.Equal(2_048, summary.AcknowledgedThroughLine);
    }

    [Theory]
    [InlineData("packets", "DOUBLE", "column 'packets' is DOUBLE; flow log columns are int32, int64 or string")]
    [InlineData("srcport", "SMALLINT", "column 'srcport' is INT32 (INT_16); flow log columns are int32, int64 or string")]
    [InlineData("action", "BOOLEAN", "column 'action' is BOOLEAN; flow log columns are int32, int64 or string")]
    [InlineData("dstaddr", "VARCHAR[]", "column 'dstaddr' is a group (nested columns); flow log columns are int32, int64 or string")]
    public async Task A_column_of_another_type_makes_the_object_unreadable_naming_the_column(string column, string type, string message)
    {
        var text = "version account-id srcaddr dstaddr srcport packets action log-status\n2 123456789012 10.0.0.1 [10.0.0.2] 443 10 true OK\n";
        var path = await ParquetAsync(text, types: (column, type));

        var (summary, records) = await ForwardParquetAsync(FileObjectRanges.Open(path));

        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.Equal($"not a flow log Parquet object: {message}", summary.Error);
        Assert.Empty(records);
    }

    [Fact]
    public async Task Columns_that_are_no_flow_log_fields_make_the_object_unreadable()
    {
        var path = await ParquetAsync("city population\nParis 2100000\n");

        var (summary, _) = await ForwardParquetAsync(FileObjectRanges.Open(path));

        Assert.Equal(ObjectOutcome.Unreadable, summary.Outcome);
        Assert.Equal("not a flow log Parquet object: not a flow log header: none of its columns is a known flow log field", summary.Error);
    }

    [Fact]
    public async Task Protocol_as_int64_as_Athena_declares_it_reads_as_the_same_record()
    {
        var text = TextObject(2, 14);
        var asInt32 = await ForwardParquetAsync(FileObjectRanges.Open(await ParquetAsync(text)));
        var asInt64 = await ForwardParquetAsync(FileObjectRanges.Open(await ParquetAsync(text, types: ("protocol", "BIGINT"))));

        Assert.Equal(asInt32.Records.Select(r => r.GetRawText()), asInt64.Records.Select(r => r.GetRawText()));
    }

    [Fact]
    public async Task The_bundled_Parquet_sample_forwards_every_row()
    {
        var sample = Assert.Single(Directory.GetFiles(RepoPaths.Of("tests", "samples"), "*.log.parquet"));

        var (summary, records) = await ForwardParquetAsync(FileObjectRanges.Open(sample));

        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        Assert.Equal(8, summary.RecordsForwarded);
        Assert.All(records, r => Assert.Equal(29, r.GetProperty("body").GetString()!.Split(' ').Length));
        Assert.Equal(["OK", "OK", "OK", "OK", "OK", "OK", "NODATA", "SKIPDATA"],
            records.Select(r => r.GetProperty("attributes").GetProperty("aws.vpc.flow.status").GetString()));
    }

    [Fact]
    public void Parquet_is_recognised_by_its_magic()
    {
        Assert.True(ParquetRecordSource.IsParquet("PAR1\x15\x04"u8));
        Assert.False(ParquetRecordSource.IsParquet("PAR"u8));
        Assert.False(ParquetRecordSource.IsParquet([0x1f, 0x8b, 0x08, 0x00]));
        Assert.False(ParquetRecordSource.IsParquet("version account-id"u8));
    }

    // Where row group `index` lies, by Parquet.Net's reading of the footer (the reader under test only decides to fetch it).
    private static async Task<(long Start, long End)> RowGroupRangeAsync(string path, int index)
    {
        await using var file = File.OpenRead(path);
        await using var reader = await Parquet.ParquetReader.CreateAsync(file);
        var columns = reader.Metadata!.RowGroups[index].Columns;
        var start = columns.Min(c => c.MetaData!.DictionaryPageOffset is > 0 and var d ? Math.Min(d, c.MetaData.DataPageOffset) : c.MetaData.DataPageOffset);
        var end = columns.Max(c => (c.MetaData!.DictionaryPageOffset is > 0 and var d ? Math.Min(d, c.MetaData.DataPageOffset) : c.MetaData.DataPageOffset)
            + c.MetaData.TotalCompressedSize);
        return (start, end);
    }

    /// <summary>Remembers every range read.</summary>
    private sealed class RecordingRanges(IObjectRanges inner) : IObjectRanges
    {
        public List<(long Offset, int Length)> Reads { get; } = [];

        public long Length => inner.Length;

        public long BytesRead => inner.BytesRead;

        public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
        {
            Reads.Add((offset, destination.Length));
            return inner.ReadAsync(offset, destination, cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
