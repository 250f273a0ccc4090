using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.Reading;
using FlowLogForwarder.TestSupport;
using ColumnMetaData = Parquet.Meta.ColumnMetaData;
using CompressionCodec = Parquet.Meta.CompressionCodec;
using FileMetaData = Parquet.Meta.FileMetaData;
using PageType = Parquet.Meta.PageType;
using ParquetEncoding = Parquet.Meta.Encoding;

namespace FlowLogForwarder.Tests.Reading;

/// <summary>
/// The Parquet reader's decoding, column by column and page by page, against files DuckDB (an independent writer)
/// wrote from a text flow log: every codec DuckDB writes, Parquet format V1 (PLAIN, dictionary) and V2 (DELTA_*),
/// nulls in every pattern, extreme numbers, empty and multibyte strings, a value of 10,000 characters, column chunks
/// of several pages, row groups down to one row, and resuming inside a page and at a row group's edge. Every line
/// read is compared byte for byte with the text fed to DuckDB (an empty string read as <c>-</c>, as AWS writes it).
/// What DuckDB (1.5.6) cannot write is not covered: it writes DATA_PAGE (v1) headers for V2 too (V2 changes only the
/// encodings), and starts a new page only after 100 MB of a chunk's values, so only a string column not
/// dictionary-encoded can be made to span pages.
/// </summary>
public sealed class ParquetEncodingMatrixTests(ParquetEncodingMatrixFiles files) : IClassFixture<ParquetEncodingMatrixFiles>
{
    private static readonly int DefaultMaxLineBytes = new PipelineOptions().MaxLineBytes;

    // DuckDB's codec names; "lz4" is written as LZ4_RAW (Parquet's LZ4 without Hadoop's framing).
    public static TheoryData<string, string, CompressionCodec> Codecs
    {
        get
        {
            var data = new TheoryData<string, string, CompressionCodec>();
            foreach (var version in new[] { "V1", "V2" })
            {
                data.Add("uncompressed", version, CompressionCodec.UNCOMPRESSED);
                data.Add("snappy", version, CompressionCodec.SNAPPY);
                data.Add("gzip", version, CompressionCodec.GZIP);
                data.Add("zstd", version, CompressionCodec.ZSTD);
                // LZ4_RAW and BROTLI: the reader gives identical lines today (Parquet.Net decodes both), so that is what
                // is asserted; a reader that stops decoding them must instead make the object unreadable with a clear
                // message, and this row then changes with it.
                data.Add("lz4", version, CompressionCodec.LZ4_RAW);
                data.Add("brotli", version, CompressionCodec.BROTLI);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Every_row_of_every_encoding_and_null_pattern_reads_as_the_text_DuckDB_was_given(string compression, string version,
        CompressionCodec codec)
    {
        var path = await files.MatrixAsync(compression, version);

        // The file has the shape this test means to cover: four row groups (the last of one row), each column chunk
        // in the codec asked for, dictionary-encoded columns beside PLAIN (V1) or DELTA (V2) ones.
        var footer = await FooterAsync(path);
        Assert.Equal(new long[] { 2_048, 2_048, 2_048, 1 }, footer.RowGroups.Select(g => g.NumRows));
        Assert.All(footer.RowGroups.SelectMany(g => g.Columns), c => Assert.Equal(codec, c.MetaData!.Codec));
        var encodings = FirstGroupEncodings(footer);
        var dictionary = version == "V1" ? ParquetEncoding.PLAIN_DICTIONARY : ParquetEncoding.RLE_DICTIONARY;
        Assert.All(new[] { "dstport", "end", "type", "sublocation_id", "packets_lost_no_route" }, c => Assert.Contains(dictionary, encodings[c]));
        Assert.All(new[] { "srcport", "bytes" }, c => Assert.Contains(NotDictionary(version, text: false), encodings[c]));
        Assert.All(new[] { "pkt_srcaddr", "instance_id" }, c => Assert.Contains(NotDictionary(version, text: true), encodings[c]));

        await AssertLinesAsync(path, Matrix.Header, Matrix.Rows, Matrix.ExpectedLine, DefaultMaxLineBytes);
    }

    // int32 minimum next to maximum: in V2 DuckDB encodes srcport with DELTA_BINARY_PACKED, computing the deltas in 64
    // bits, so a miniblock needs 33 bits per delta (a width the Parquet spec advises writers against since PARQUET-2435
    // but says readers should accept); decoded with 32-bit wrapping, each delta still restores its value exactly.
    // The int64 column beside it wraps within 64 bits.
    [Theory]
    [InlineData("V1")]
    [InlineData("V2")]
    public async Task Int32_minimum_next_to_maximum_reads_exactly_even_as_33_bit_deltas(string version)
    {
        var path = await files.ExtremesAsync(version);
        Assert.Contains(NotDictionary(version, text: false), FirstGroupEncodings(await FooterAsync(path))["srcport"]);

        await AssertLinesAsync(path, Extremes.Header, Extremes.Rows, Extremes.ExpectedLine, DefaultMaxLineBytes);
    }

    [Theory]
    [InlineData("V1")]
    [InlineData("V2")]
    public async Task A_line_of_exactly_the_longest_length_is_read_and_one_byte_longer_is_too_long_without_disturbing_the_rows_after_it(
        string version)
    {
        var path = await files.MatrixAsync("zstd", version);
        var longLine = Matrix.LongValueRow + 1;
        var length = Encoding.UTF8.GetByteCount(Matrix.ExpectedLine(longLine));
        Assert.True(length > Matrix.LongValue.Length, "the long line holds the 10,000-character value");

        // At the limit: every line, the long one included, exact.
        await AssertLinesAsync(path, Matrix.Header, Matrix.Rows, Matrix.ExpectedLine, maxLineBytes: length);
        // One byte under it: the long line is reported too long, and every other line (those after it in its row group
        // too, whose columns had to move past the long value) is still exact.
        await AssertLinesAsync(path, Matrix.Header, Matrix.Rows, Matrix.ExpectedLine, maxLineBytes: length - 1, tooLongLine: longLine);
    }

    [Theory]
    [InlineData("V1", 2_048)] // at the boundary of the first and second row groups
    [InlineData("V1", 3_001)] // inside the second row group
    [InlineData("V1", 6_144)] // only the last row group, of one row, remains
    [InlineData("V1", 6_145)] // every row was delivered
    [InlineData("V2", 2_048)]
    [InlineData("V2", 3_001)]
    [InlineData("V2", 6_144)]
    public async Task Resuming_after_a_row_of_the_matrix_gives_every_later_row_exactly(string version, long resumeAfter)
    {
        var path = await files.MatrixAsync("snappy", version);

        await AssertLinesAsync(path, Matrix.Header, Matrix.Rows, Matrix.ExpectedLine, DefaultMaxLineBytes, resumeAfter);
    }

    [Theory]
    [InlineData("V1")]
    [InlineData("V2")]
    public async Task A_column_chunk_of_several_pages_reads_whole_across_its_page_boundaries(string version)
    {
        var path = await files.MultiPageAsync(version);
        var layout = await MultiPage.LayoutAsync(path);

        await AssertLinesAsync(path, MultiPage.Header, layout.Rows, MultiPage.ExpectedLine, DefaultMaxLineBytes);
    }

    [Theory]
    [InlineData("V1", "inside the first page")]
    [InlineData("V1", "inside the second page")]
    [InlineData("V1", "at the row group boundary")]
    [InlineData("V2", "inside the first page")]
    [InlineData("V2", "inside the second page")]
    [InlineData("V2", "at the row group boundary")]
    public async Task Resuming_inside_a_page_or_at_a_row_group_boundary_of_a_multi_page_file_gives_every_later_row_exactly(string version,
        string point)
    {
        var path = await files.MultiPageAsync(version);
        var layout = await MultiPage.LayoutAsync(path);
        var resumeAfter = point switch
        {
            "inside the first page" => layout.FirstPageRows / 2,
            "inside the second page" => layout.FirstPageRows + (layout.SecondPageRows / 2),
            _ => layout.FirstGroupRows,
        };

        await AssertLinesAsync(path, MultiPage.Header, layout.Rows, MultiPage.ExpectedLine, DefaultMaxLineBytes, resumeAfter);
    }

    // Reads the object with the reader under test and checks every line against expected(line number) byte for byte:
    // the header first, then each row in order. Rows up to resumeAfter were delivered before: the reader may hand them
    // out as they are or as the placeholder '-' (the pipeline only counts them). Every line is checked before failing,
    // so that a failure names each column that differs.
    private static async Task AssertLinesAsync(string path, string header, long rows, Func<long, string> expected, int maxLineBytes,
        long resumeAfter = 0, long tooLongLine = -1)
    {
        var differences = new Differences(header);
        var next = 0L;
        var reads = 0;
        await using var source = new ParquetRecordSource(FileObjectRanges.Open(path), maxLineBytes, resumeAfter);
        while (await source.ReadAsync(CancellationToken.None))
        {
            Assert.True(++reads < 100_000, "the source never ended");
            while (source.TryTake(out var line))
            {
                Assert.True(line.Number == next, $"line {line.Number} came where line {next} was due");
                if (next == tooLongLine)
                {
                    Assert.True(line.TooLong, $"line {next} ({Encoding.UTF8.GetByteCount(expected(next))} bytes) was read within a limit of {maxLineBytes}");
                }
                else if (next > 0 && next <= resumeAfter && !line.TooLong && line.Text.SequenceEqual("-"u8))
                {
                    // A placeholder for a row delivered before.
                }
                else
                {
                    differences.Check(next, next == 0 ? header : expected(next), line.Text, line.TooLong);
                }
                next++;
            }
        }
        Assert.Equal(SourceEnd.Complete, source.Ending);
        Assert.True(next == rows + 1, $"read {next - 1} rows of {rows}");
        differences.AssertNone(path);
    }

    /// <summary>Lines that differ from the text expected, counted by column, with the first example of each.</summary>
    private sealed class Differences(string header)
    {
        private readonly string[] _columns = header.Split(' ');
        private readonly SortedDictionary<string, (int Lines, string First)> _byColumn = new(StringComparer.Ordinal);
        private int _lines;

        public void Check(long number, string expected, ReadOnlySpan<byte> actual, bool tooLong)
        {
            if (!tooLong && actual.SequenceEqual(Encoding.UTF8.GetBytes(expected)))
            {
                return;
            }
            _lines++;
            var read = tooLong ? null : Encoding.UTF8.GetString(actual);
            var expectedFields = expected.Split(' ');
            var readFields = read?.Split(' ');
            if (readFields is null || readFields.Length != expectedFields.Length)
            {
                Add("(whole line)", number, expected, read ?? "(reported too long)");
                return;
            }
            for (var c = 0; c < expectedFields.Length; c++)
            {
                if (!string.Equals(expectedFields[c], readFields[c], StringComparison.Ordinal))
                {
                    Add(c < _columns.Length ? _columns[c] : $"field {c + 1}", number, expectedFields[c], readFields[c]);
                }
            }
        }

        public void AssertNone(string path)
        {
            if (_lines > 0)
            {
                Assert.Fail($"{_lines} line(s) of {Path.GetFileName(path)} differ from the text DuckDB was given:\n" +
                    string.Join('\n', _byColumn.Select(c => $"  {c.Key}: {c.Value.Lines} line(s), first {c.Value.First}")));
            }
        }

        private void Add(string column, long line, string expected, string read)
        {
            _byColumn[column] = _byColumn.TryGetValue(column, out var seen)
                ? (seen.Lines + 1, seen.First)
                : (1, $"line {line}: expected '{Shorten(expected)}', read '{Shorten(read)}'");
        }

        private static string Shorten(string text) => text.Length <= 300 ? text : $"{text[..150]}…({text.Length} chars)…{text[^150..]}";
    }

    // The encodings of each column chunk of the first row group, by column (as named in the file).
    private static Dictionary<string, List<ParquetEncoding>> FirstGroupEncodings(FileMetaData footer) =>
        footer.RowGroups[0].Columns.ToDictionary(c => c.MetaData!.PathInSchema.Single(), c => c.MetaData!.Encodings);

    // What DuckDB writes for a column it does not dictionary-encode.
    private static ParquetEncoding NotDictionary(string version, bool text) =>
        version == "V1" ? ParquetEncoding.PLAIN : text ? ParquetEncoding.DELTA_LENGTH_BYTE_ARRAY : ParquetEncoding.DELTA_BINARY_PACKED;

    private static async Task<FileMetaData> FooterAsync(string path)
    {
        await using var file = File.OpenRead(path);
        await using var reader = await Parquet.ParquetReader.CreateAsync(file);
        return reader.Metadata!;
    }

    /// <summary>
    /// 6,145 rows in row groups of 2,048 (so the last holds one row), one column per case: dictionary columns of 1,
    /// 2, 3, 5, 6, 257 and 300 entries (1- to 9-bit indices), PLAIN/DELTA columns of distinct values, int32 and int64
    /// minimum and maximum side by side (the largest deltas DELTA_BINARY_PACKED can hold), nulls never, always, at the
    /// start, at the end, every other row, in irregular runs and for one whole row group, empty strings (PLAIN and in
    /// a dictionary), 2- to 4-byte UTF-8 characters, and one value of 10,000 characters.
    /// </summary>
    internal static class Matrix
    {
        public const int Rows = 6_145;
        public const int LongValueRow = 6;

        public static readonly string LongValue = string.Create(10_000, 0, (span, _) =>
        {
            for (var k = 0; k < span.Length; k++)
            {
                span[k] = (char)('a' + (k * 7 % 26));
            }
        });

        private static readonly string[] Columns =
        [
            "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes",
            "start", "end", "action", "log-status", "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr",
            "pkt-dstaddr", "region", "az-id", "sublocation-id", "pkt-src-aws-service", "flow-direction", "traffic-path",
            "packets-lost-no-route",
        ];

        public static string Header => string.Join(' ', Columns);

        // Row i (0-based) of the text given to DuckDB: null is absent ('-' in the text), "" an empty string.
        public static string?[] Row(int i)
        {
            var group = i / 2_048;
            return
            [
                N(3 + (i % 3)),                                                            // version: int32, 3-entry dictionary
                i % 2 == 0 ? "123456789012" : "210987654321",                              // account-id: 2-entry dictionary
                $"eni-{(ulong)i * 2_654_435_761UL:x17}",                                   // interface-id: distinct
                $"10.{i / 65_536}.{i / 256 % 256}.{i % 256}",                              // srcaddr: distinct
                i % 2 == 1 ? null : $"172.16.{i * 7 % 256}.{i % 251}",                     // dstaddr: null every other row
                N(i switch                                                                 // srcport: int32 distinct, extremes
                {
                    0 or 2_048 or Rows - 1 => int.MinValue,
                    1 or 2_047 => int.MaxValue,
                    2 => -1,
                    3 => 0,
                    _ => (i * 7_919 % 65_536) - 30_000,
                }),
                i < 10 ? null : N(new[] { 443, 80, int.MinValue, int.MaxValue, -1 }[i % 5]), // dstport: dictionary, nulls at the start
                i % 2 == 1 ? null : N(i / 2 % 2 == 0 ? 6 : 17),                            // protocol: dictionary, null every other row
                i >= Rows - 100 ? null : N(new[] { 1L, 10L, 100L, -5L }[i % 4]),           // packets: int64 dictionary, nulls at the end
                N(i switch                                                                 // bytes: int64 distinct, extremes
                {
                    0 or 2_048 => long.MinValue,
                    1 or 2_047 or Rows - 1 => long.MaxValue,
                    2 => -1L,
                    3 => 0L,
                    _ => (i * 104_729L) - 300_000_000L,
                }),
                N(1_763_805_900L + i),                                                     // start: increasing, never null
                i % 3 == 0 ? null : N(new[] { long.MinValue, long.MaxValue, 1_763_806_000L, -1_763_806_000L }[i % 4]), // end
                i % 5 == 0 ? "REJECT" : "ACCEPT",                                          // action
                new[] { "OK", "NODATA", "SKIPDATA" }[i % 3],                               // log-status
                null,                                                                      // vpc-id: always null
                group == 1 ? null : i % 2 == 0 ? "subnet-0aa11bb22cc33dd44" : "subnet-0bb22cc33dd44ee55", // subnet-id: null in group 2
                i % 5 == 0 ? "" : $"i-{i:x17}",                                            // instance-id: distinct, empty every 5th
                null,                                                                      // tcp-flags: int32, always null
                new[] { "IPv4", "IPv6", "ünïcødé", "日本語", "😀🚀" }[i % 5],              // type: multibyte dictionary
                $"адрес-{i}-€𝄞",                                                           // pkt-srcaddr: multibyte, distinct
                i == LongValueRow ? LongValue : $"198.51.{i / 256 % 256}.{i % 256}",       // pkt-dstaddr: one value of 10,000 chars
                "us-east-1",                                                               // region: 1-entry dictionary
                $"use1-az{i % 6}",                                                         // az-id: 6-entry dictionary
                i % 11 == 0 ? null : $"op-{i % 300:D17}",                                  // sublocation-id: 300 entries (9-bit indices)
                i / 100 % 5 == 1 || (uint)(i * 2_654_435_761L) >> 29 is 0 or 3 or 6 ? null : new[] { "S3", "EC2", "AMAZON" }[i % 3], // irregular nulls
                new[] { "ingress", "egress", "" }[i % 3],                                  // flow-direction: dictionary with an empty string
                group == 0 ? null : N(1 + (i % 8)),                                        // traffic-path: null in all of group 1
                N((i % 257 * 1_000L) - 5_000L),                                            // packets-lost-no-route: 257-entry int64 dictionary
            ];
        }

        public static string InputLine(int i) => string.Join(' ', Row(i).Select(v => v ?? "-"));

        // Line n (1-based) as AWS writes it: '-' for null, and for an empty string (which AWS never writes).
        public static string ExpectedLine(long line) => string.Join(' ', Row((int)line - 1).Select(v => string.IsNullOrEmpty(v) ? "-" : v));

        private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>1,000 rows of int32 and int64 minimum and maximum in turn (distinct enough to escape the dictionary).</summary>
    internal static class Extremes
    {
        public const int Rows = 1_000;

        public static string Header => "version srcport bytes log-status";

        public static string Line(long i) => string.Create(CultureInfo.InvariantCulture,
            $"5 {(i % 4 == 3 ? i : i % 2 == 0 ? int.MinValue : int.MaxValue)} {(i % 4 == 3 ? -i : i % 2 == 0 ? long.MinValue : long.MaxValue)} OK");

        public static string ExpectedLine(long line) => Line(line - 1);
    }

    /// <summary>
    /// A file whose pkt-dstaddr column chunk spans several pages: DuckDB starts a new page only after 100 MB of
    /// values (PrimitiveColumnWriter's MAX_UNCOMPRESSED_PAGE_SIZE; it has no page size option), so 4,500 rows carry a
    /// distinct value of 30,006 characters each (null every 7th row). DuckDB 1.5.6 cuts them into a row group of 4,346 rows,
    /// whose pkt-dstaddr pages hold 4,077 and 269 rows, and one of 154; the layout is read from the file, not assumed.
    /// </summary>
    internal static class MultiPage
    {
        public const int Rows = 4_500;
        public const int RowGroupSize = 4_096;

        private static readonly string[] Columns = ["version", "account-id", "dstaddr", "srcport", "packets", "bytes", "action", "pkt-dstaddr", "log-status"];

        public static string Header => string.Join(' ', Columns);

        public static string?[] Row(int i) =>
        [
            "5",
            "123456789012",
            i % 2 == 1 ? null : $"10.1.{i / 256 % 256}.{i % 256}",
            (i * 7_919 % 65_536).ToString(CultureInfo.InvariantCulture),
            new[] { "1", "10", "100" }[i % 3],
            ((i * 1_000_003L) - 2_000_000_000L).ToString(CultureInfo.InvariantCulture),
            i % 5 == 0 ? "REJECT" : "ACCEPT",
            i % 7 == 3 ? null : $"{i:D6}{new string((char)('a' + (i % 26)), 30_000)}",
            "OK",
        ];

        public static string InputLine(int i) => string.Join(' ', Row(i).Select(v => v ?? "-"));

        public static string ExpectedLine(long line) => InputLine((int)line - 1);

        // The rows of the file, of its first row group, and of the first two pages of that group's pkt-dstaddr chunk;
        // fails unless the file has the shape the multi-page tests need.
        public static async Task<(long Rows, long FirstGroupRows, long FirstPageRows, long SecondPageRows)> LayoutAsync(string path)
        {
            var footer = await FooterAsync(path);
            var chunk = footer.RowGroups[0].Columns.Single(c => c.MetaData!.PathInSchema.Single() == "pkt_dstaddr").MetaData!;
            var pages = PageHeaders.Read(await File.ReadAllBytesAsync(path), chunk).Where(p => p.Type is PageType.DATA_PAGE or PageType.DATA_PAGE_V2).ToList();
            Assert.True(footer.RowGroups.Count >= 2, $"DuckDB wrote {footer.RowGroups.Count} row group(s); the test needs two or more");
            Assert.True(pages.Count >= 2, $"DuckDB wrote pkt-dstaddr's first column chunk as {pages.Count} page(s); the test needs two or more");
            Assert.Equal(footer.RowGroups[0].NumRows, pages.Sum(p => (long)p.Values));
            return (footer.NumRows, footer.RowGroups[0].NumRows, pages[0].Values, pages[1].Values);
        }
    }

    /// <summary>
    /// The page headers of one column chunk, read with a minimal Thrift compact-protocol walker (Parquet.Net keeps its
    /// own internal): the fixture's page layout is checked against the bytes themselves, not against the reader under test.
    /// </summary>
    internal static class PageHeaders
    {
        public static List<(PageType Type, int Values, int Encoding)> Read(byte[] file, ColumnMetaData chunk)
        {
            var position = chunk.DictionaryPageOffset is > 0 and var dictionary ? Math.Min(dictionary, chunk.DataPageOffset) : chunk.DataPageOffset;
            var end = position + chunk.TotalCompressedSize;
            var pages = new List<(PageType, int, int)>();
            while (position < end)
            {
                var reader = new CompactReader(file, (int)position);
                PageType type = default;
                int compressed = 0, values = 0, encoding = -1;
                reader.Struct((id, _) =>
                {
                    switch (id)
                    {
                        case 1:
                            type = (PageType)reader.ZigZag();
                            return true;
                        case 3:
                            compressed = (int)reader.ZigZag();
                            return true;
                        case 5 or 7 or 8: // data_page_header, dictionary_page_header, data_page_header_v2
                            reader.Struct((field, _) =>
                            {
                                if (field == 1)
                                {
                                    values = (int)reader.ZigZag();
                                    return true;
                                }
                                if (field == (id == 8 ? 4 : 2))
                                {
                                    encoding = (int)reader.ZigZag();
                                    return true;
                                }
                                return false;
                            });
                            return true;
                        default:
                            return false;
                    }
                });
                pages.Add((type, values, encoding));
                position = reader.Position + compressed;
            }
            Assert.Equal(end, position);
            return pages;
        }

        private sealed class CompactReader(byte[] bytes, int position)
        {
            public int Position { get; private set; } = position;

            public long ZigZag()
            {
                var value = (ulong)Varint();
                return (long)(value >> 1) ^ -(long)(value & 1);
            }

            // Calls onField(id, type) for each field of a struct; a field it does not consume (false) is skipped.
            public void Struct(Func<int, int, bool> onField)
            {
                var id = 0;
                while (bytes[Position++] is var header && header != 0)
                {
                    var type = header & 0x0F;
                    id = header >> 4 is var delta and > 0 ? id + delta : (int)ZigZag();
                    if (!onField(id, type))
                    {
                        Skip(type);
                    }
                }
            }

            private long Varint()
            {
                long value = 0;
                for (var shift = 0; ; shift += 7)
                {
                    var b = bytes[Position++];
                    value |= (long)(b & 0x7F) << shift;
                    if (b < 0x80)
                    {
                        return value;
                    }
                }
            }

            private void Skip(int type)
            {
                switch (type)
                {
                    case 1 or 2: // a boolean field holds its value in its type
                        break;
                    case 3:
                        Position++;
                        break;
                    case 4 or 5 or 6:
                        Varint();
                        break;
                    case 7:
                        Position += 8;
                        break;
                    case 8:
                        Position += (int)Varint();
                        break;
                    case 9 or 10:
                        var header = bytes[Position++];
                        var count = header >> 4 == 15 ? (int)Varint() : header >> 4;
                        for (var k = 0; k < count; k++)
                        {
                            Skip((header & 0x0F) is 1 or 2 ? 3 : header & 0x0F); // a boolean element is a byte
                        }
                        break;
                    case 12:
                        Struct((_, _) => false);
                        break;
                    default:
                        throw new InvalidDataException($"Thrift compact type {type} at byte {Position} is not used by page headers");
                }
            }
        }
    }
}

/// <summary>The matrix's Parquet files, each written by DuckDB once for the whole class, on first use.</summary>
public sealed class ParquetEncodingMatrixFiles : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("parquet-matrix-").FullName;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _files = new();

    /// <summary>The matrix (<see cref="ParquetEncodingMatrixTests.Matrix"/>) in <paramref name="compression"/>, Parquet <paramref name="version"/>.</summary>
    public Task<string> MatrixAsync(string compression, string version) =>
        FromTextAsync($"matrix-{compression}-{version}", ParquetEncodingMatrixTests.Matrix.Header,
            Enumerable.Range(0, ParquetEncodingMatrixTests.Matrix.Rows).Select(ParquetEncodingMatrixTests.Matrix.InputLine), 2_048, compression, version);

    /// <summary>The int32/int64 extremes (<see cref="ParquetEncodingMatrixTests.Extremes"/>), Parquet <paramref name="version"/>.</summary>
    public Task<string> ExtremesAsync(string version) =>
        FromTextAsync($"extremes-{version}", ParquetEncodingMatrixTests.Extremes.Header,
            Enumerable.Range(0, ParquetEncodingMatrixTests.Extremes.Rows).Select(i => ParquetEncodingMatrixTests.Extremes.Line(i)), 2_048, "snappy", version);

    /// <summary>The multi-page file (<see cref="ParquetEncodingMatrixTests.MultiPage"/>), ZSTD, Parquet <paramref name="version"/>.</summary>
    public Task<string> MultiPageAsync(string version) =>
        FromTextAsync($"multipage-{version}", ParquetEncodingMatrixTests.MultiPage.Header,
            Enumerable.Range(0, ParquetEncodingMatrixTests.MultiPage.Rows).Select(ParquetEncodingMatrixTests.MultiPage.InputLine),
            ParquetEncodingMatrixTests.MultiPage.RowGroupSize, "zstd", version);

    // Writes the text (streamed to a file: the multi-page one is over 100 MB) and has DuckDB convert it, once per name.
    private Task<string> FromTextAsync(string name, string header, IEnumerable<string> lines, int rowGroupSize, string compression, string version) =>
        _files.GetOrAdd(name, _ => new Lazy<Task<string>>(async () =>
        {
            var path = Path.Combine(_dir, name + ".parquet");
            var input = path + ".txt";
            await using (var writer = new StreamWriter(input, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                await writer.WriteAsync(header + "\n");
                foreach (var line in lines)
                {
                    await writer.WriteAsync(line + "\n");
                }
            }
            await DuckDbParquet.WriteFileAsync(input, path, rowGroupSize, compression, version);
            File.Delete(input);
            return path;
        })).Value;

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
