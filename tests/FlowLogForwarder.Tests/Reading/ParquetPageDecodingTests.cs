using System.Buffers.Binary;

using FlowLogForwarder.Reading;
using FlowLogForwarder.TestSupport;
using Parquet.Meta;

namespace FlowLogForwarder.Tests.Reading;

/// <summary>
/// The page decoder's parts against the Parquet format specification: run-length/bit-packed values from the spec's own
/// example, page headers in Thrift's compact protocol written here by hand and read back from DuckDB's files, column
/// chunks built byte by byte, and the hostile variants of each, which must fail as unreadable data and never run away.
/// </summary>
public sealed class ParquetPageDecodingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("parquet-pages-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Bit_packed_values_decode_as_the_specification_example()
    {
        // The spec's example: 0..7 with bit width 3 pack into 10001000 11000110 11111010; header = 1 group << 1 | 1.
        var decoder = new RleBitPackedDecoder([0x03, 0b1000_1000, 0b1100_0110, 0b1111_1010], 0, 4, 3);

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], Enumerable.Range(0, 8).Select(_ => decoder.Next()));
    }

    [Fact]
    public void Runs_of_both_kinds_follow_one_another()
    {
        // RLE: 5 times the value 300 (two bytes at width 9); then one bit-packed group of width 1: 1,0,1,1,0,0,0,1.
        byte[] bytes = [5 << 1, 0x2C, 0x01, 0x03, 0b1000_1101];
        var decoder = new RleBitPackedDecoder(bytes, 0, bytes.Length, 9);
        Assert.Equal([300, 300, 300, 300, 300], Enumerable.Range(0, 5).Select(_ => decoder.Next()));

        var levels = new RleBitPackedDecoder(bytes, 3, bytes.Length, 1);
        Assert.Equal([1, 0, 1, 1, 0, 0, 0, 1], Enumerable.Range(0, 8).Select(_ => levels.Next()));
    }

    [Theory]
    [InlineData(new byte[] { 5 << 1 }, 8)]              // an RLE run without its value
    [InlineData(new byte[] { 0x05, 0xFF }, 8)]          // two bit-packed groups of width 8 in one byte
    [InlineData(new byte[] { 0x80, 0x80, 0x80 }, 1)]   // a header that never ends
    [InlineData(new byte[] { }, 1)]                     // nothing at all
    public void Runs_past_their_region_are_unreadable(byte[] bytes, int bitWidth)
    {
        var decoder = new RleBitPackedDecoder(bytes, 0, bytes.Length, bitWidth);

        var error = Assert.Throws<UnreadableObjectException>(() => { decoder.Next(); decoder.Next(); });
        Assert.StartsWith("corrupt page:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bit_width_over_32_is_unreadable() =>
        Assert.Throws<UnreadableObjectException>(() => new RleBitPackedDecoder([0], 0, 1, 33));

    [Fact]
    public void A_page_header_written_by_hand_reads_back_and_unknown_fields_are_skipped()
    {
        var header = Thrift.Struct(
            Thrift.I32(1, (int)PageType.DATA_PAGE), Thrift.I32(2, 1000), Thrift.I32(3, 400), Thrift.I32(4, 77), // 4: the crc, skipped
            Thrift.Field(5, Thrift.Struct(Thrift.I32(1, 12), Thrift.I32(2, (int)Encoding.RLE_DICTIONARY), Thrift.I32(3, (int)Encoding.RLE),
                Thrift.I32(4, (int)Encoding.RLE), Thrift.Field(5, Thrift.Struct(Thrift.Binary(1, "max"u8), Thrift.Binary(2, "min"u8))))),
            Thrift.Field(9, Thrift.Struct(Thrift.I32(1, 5), Thrift.Field(2, Thrift.Struct(Thrift.I32(3, 1)))))); // a field from the future

        var read = ParquetPageHeader.Read([.. header, 0xAA, 0xBB]); // the bytes after the header are the page's

        Assert.Equal(new ParquetPageHeader(PageType.DATA_PAGE, 1000, 400, 12, Encoding.RLE_DICTIONARY, Encoding.RLE, 0, 0, true, header.Length), read);
    }

    [Fact]
    public void A_data_page_v2_header_gives_its_level_lengths_and_compression_flag()
    {
        var header = Thrift.Struct(Thrift.I32(1, (int)PageType.DATA_PAGE_V2), Thrift.I32(2, 500), Thrift.I32(3, 300),
            Thrift.Field(8, Thrift.Struct(Thrift.I32(1, 40), Thrift.I32(2, 3), Thrift.I32(3, 40), Thrift.I32(4, (int)Encoding.PLAIN),
                Thrift.I32(5, 9), Thrift.I32(6, 0), new byte[] { 0x12 }))); // 7: is_compressed = false, a boolean carried in its type

        var read = ParquetPageHeader.Read(header);

        Assert.Equal((PageType.DATA_PAGE_V2, 40, Encoding.PLAIN, 9, false), (read.Type, read.ValueCount, read.Encoding, read.DefinitionLevelBytes, read.IsCompressed));
    }

    public static TheoryData<string, byte[]> HostileHeaders => new()
    {
        { "it ends early", Thrift.Struct(Thrift.I32(1, 0))[..^1] },
        { "nested more than", [0x4C, .. Enumerable.Repeat((byte)0x1C, 100), .. Enumerable.Repeat((byte)0, 101)] },
        { "past the end of the header", [0x48, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00] },
        { "a list of 14 elements", [0x49, 0xE5, 0x00] },
        { "unknown Thrift type", [0x4D, 0x00] },
        { "type or sizes are missing", Thrift.Struct(Thrift.I32(1, 0), Thrift.I32(2, 10)) },
        { "a negative size", Thrift.Struct(Thrift.I32(1, 0), Thrift.I32(2, -1), Thrift.I32(3, 10)) },
        { "an i32 field holds", [0x15, 0xFE, 0xFF, 0xFF, 0xFF, 0x1F, 0x00] },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void Hostile_page_headers_are_unreadable_and_say_why(string reason, byte[] bytes)
    {
        var error = Assert.Throws<UnreadableObjectException>(() => ParquetPageHeader.Read(bytes));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_header_DuckDB_writes_adds_up_to_the_column_chunk_sizes_its_footer_states()
    {
        var path = Path.Combine(_dir, "pages.parquet");
        await DuckDbParquet.GenerateAsync(20_000, path, rowGroupSize: 8_192);
        var bytes = await File.ReadAllBytesAsync(path);
        await using var file = File.OpenRead(path);
        await using var reader = await Parquet.ParquetReader.CreateAsync(file);

        var pages = 0;
        foreach (var chunk in reader.Metadata!.RowGroups.SelectMany(g => g.Columns).Select(c => c.MetaData!))
        {
            var position = chunk.DictionaryPageOffset is > 0 and var dictionary ? dictionary : chunk.DataPageOffset;
            var end = position + chunk.TotalCompressedSize;
            long uncompressed = 0, values = 0;
            while (position < end)
            {
                var header = ParquetPageHeader.Read(bytes.AsSpan((int)position, (int)(end - position)));
                position += header.HeaderBytes + header.CompressedSize;
                uncompressed += header.HeaderBytes + header.UncompressedSize;
                values += header.Type == PageType.DICTIONARY_PAGE ? 0 : header.ValueCount;
                pages++;
            }
            Assert.Equal(end, position);
            Assert.Equal(chunk.TotalUncompressedSize, uncompressed);
            Assert.Equal(chunk.NumValues, values);
        }
        Assert.True(pages > 3 * 29, $"{pages} pages: every column of every row group has one at least");
    }

    [Fact]
    public void A_hand_built_chunk_of_plain_numbers_reads_each_row()
    {
        var chunk = DataPage(Encoding.PLAIN, 4, [.. Int32s(1, -2, int.MaxValue, int.MinValue)]);
        using var reader = new ParquetChunkReader(ParquetColumnKind.Int32, nullable: false);
        reader.Start(chunk, 0, chunk.Length, CompressionCodec.UNCOMPRESSED, 4, default);

        Assert.Equal(["1", "-2", "2147483647", "-2147483648"], Enumerable.Range(0, 4).Select(_ => System.Text.Encoding.UTF8.GetString(reader.Next())));
    }

    [Fact]
    public void A_hand_built_chunk_with_a_dictionary_and_nulls_reads_each_row()
    {
        // Dictionary ["ACCEPT", "REJECT", ""]; rows: ACCEPT, null, REJECT, "" (an empty string reads as absent), ACCEPT.
        var dictionary = Page(PageType.DICTIONARY_PAGE, 3, Encoding.PLAIN, [.. Text("ACCEPT"), .. Text("REJECT"), .. Text("")]);
        // Levels: 4-byte length, then one bit-packed group of 1,0,1,1,1 (padded); indexes: width 2, bit-packed 0,1,2,0.
        byte[] levels = [2, 0, 0, 0, 0x03, 0b0001_1101];
        byte[] indexes = [2, 0x03, 0b0010_0100, 0x00];
        var data = Page(PageType.DATA_PAGE, 5, Encoding.RLE_DICTIONARY, [.. levels, .. indexes]);
        byte[] chunk = [.. dictionary, .. data];
        using var reader = new ParquetChunkReader(ParquetColumnKind.Text, nullable: true);
        reader.Start(chunk, 0, chunk.Length, CompressionCodec.UNCOMPRESSED, 5, default);

        Assert.Equal(["ACCEPT", "-", "REJECT", "-", "ACCEPT"], Enumerable.Range(0, 5).Select(_ => System.Text.Encoding.UTF8.GetString(reader.Next())));
    }

    public static TheoryData<string, byte[], long> HostileChunks => new()
    {
        { "ends 1 rows short", DataPage(Encoding.PLAIN, 2, [.. Int32s(1, 2)]), 3 },
        { "a page of 4 values where 3 rows are left", DataPage(Encoding.PLAIN, 4, [.. Int32s(1, 2, 3, 4)]), 3 },
        { "values end early", DataPage(Encoding.PLAIN, 3, [.. Int32s(1, 2)]), 3 },
        { "at most 268435456 are read", Page(PageType.DATA_PAGE, 1, Encoding.PLAIN, [1, 0, 0, 0], uncompressed: 300_000_000), 1 },
        { "runs past the end of its column chunk", Page(PageType.DATA_PAGE, 1, Encoding.PLAIN, [1, 0, 0, 0])[..^1], 1 },
        { "without a dictionary page before it", DataPage(Encoding.RLE_DICTIONARY, 1, [1, 2, 0]), 1 },
        { "dictionary index 5 of a dictionary of 1 values",
            [.. Page(PageType.DICTIONARY_PAGE, 1, Encoding.PLAIN, [7, 0, 0, 0]), .. DataPage(Encoding.RLE_DICTIONARY, 1, [3, 2, 5])], 1 },
        { "encoded as DELTA_LENGTH_BYTE_ARRAY", DataPage(Encoding.DELTA_LENGTH_BYTE_ARRAY, 1, [1, 0, 0, 0]), 1 },
        { "blocks of 1 values in 0 miniblocks", DataPage(Encoding.DELTA_BINARY_PACKED, 1, [1, 0, 0, 0]), 1 },
        { "more values were asked of it than its header holds", DataPage(Encoding.DELTA_BINARY_PACKED, 2, [0x80, 0x01, 0x04, 0x01, 0x02]), 2 },
        { "a bit width of 65", DataPage(Encoding.DELTA_BINARY_PACKED, 2, [0x80, 0x01, 0x04, 0x02, 0x02, 0x00, 65, 0, 0, 0]), 2 },
        { "its miniblocks end early", DataPage(Encoding.DELTA_BINARY_PACKED, 2, [0x80, 0x01, 0x04, 0x02, 0x02, 0x00, 8, 0, 0, 0]), 2 },
    };

    [Theory]
    [MemberData(nameof(HostileChunks))]
    public void Hostile_column_chunks_are_unreadable_and_say_why(string reason, byte[] chunk, long rows)
    {
        using var reader = new ParquetChunkReader(ParquetColumnKind.Int32, nullable: false);
        reader.Start(chunk, 0, chunk.Length, CompressionCodec.UNCOMPRESSED, rows, default);

        var error = Assert.Throws<UnreadableObjectException>(() =>
        {
            for (var i = 0; i < rows; i++)
            {
                reader.Next();
            }
        });
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Delta_binary_packed_numbers_decode_as_the_specification_example_and_wrap_at_64_bits()
    {
        // The spec's example 1: 1..5 is first value 1, min delta 1, every miniblock 0 bits wide (block 128, 4 miniblocks).
        byte[] ones = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0];
        // int32 minimum then maximum: one delta of 2^32 - 1, which needs 33 bits as a difference and wraps back to int32.
        byte[] extremes = [0x80, 0x01, 0x04, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0xFE, 0xFF, 0xFF, 0xFF, 0x1F, 0, 0, 0, 0];
        // Deltas 7, -3, 100 (min -3; packed 10, 0, 103 at 7 bits) over a partial miniblock, padded to 32 values.
        var packed = new byte[4 + 28];
        packed[0] = 10 | (0 << 7);
        packed[1] = (103 & 3) << 6;
        packed[2] = 103 >> 2;
        byte[] mixed = [0x80, 0x01, 0x04, 0x04, 0x14, 0x05, 7, 0, 0, 0, .. packed[..28]];

        Assert.Equal(["1", "2", "3", "4", "5"], Read(ones, ParquetColumnKind.Int64, 5));
        Assert.Equal(["-2147483648", "2147483647"], Read(extremes, ParquetColumnKind.Int32, 2));
        Assert.Equal(["10", "17", "14", "114"], Read(mixed, ParquetColumnKind.Int64, 4));

        static IEnumerable<string> Read(byte[] values, ParquetColumnKind kind, int rows)
        {
            var chunk = DataPage(Encoding.DELTA_BINARY_PACKED, rows, values);
            using var reader = new ParquetChunkReader(kind, nullable: false);
            reader.Start(chunk, 0, chunk.Length, CompressionCodec.UNCOMPRESSED, rows, default);
            return [.. Enumerable.Range(0, rows).Select(_ => System.Text.Encoding.UTF8.GetString(reader.Next()))];
        }
    }

    public static TheoryData<string, byte[], long> BadLayouts => new()
    {
        { "a page of type INDEX_PAGE", [.. Page(PageType.INDEX_PAGE, 0, Encoding.PLAIN, []), .. DataPage(Encoding.PLAIN, 1, [.. Int32s(1)])], 1 },
        { "a dictionary page after its first page",
            [.. DataPage(Encoding.PLAIN, 1, [.. Int32s(1)]), .. Page(PageType.DICTIONARY_PAGE, 1, Encoding.PLAIN, [.. Int32s(1)])], 2 },
        { "a dictionary of 3 values in 8 bytes", Page(PageType.DICTIONARY_PAGE, 3, Encoding.PLAIN, [.. Int32s(1, 2)]), 3 },
        { "a dictionary of 5 values in 20 bytes for 3 rows", Page(PageType.DICTIONARY_PAGE, 5, Encoding.PLAIN, [.. Int32s(1, 2, 3, 4, 5)]), 3 },
        { "its pages hold 2 values for 3 rows", DataPage(Encoding.PLAIN, 2, [.. Int32s(1, 2)]), 3 },
        { "its pages hold 4 values for 3 rows", [.. DataPage(Encoding.PLAIN, 2, [.. Int32s(1, 2)]), .. DataPage(Encoding.PLAIN, 2, [.. Int32s(3, 4)])], 3 },
        { "runs past the end of its column chunk", DataPage(Encoding.PLAIN, 1, [.. Int32s(1)])[..^1], 1 },
        { "at most 268435456 are read", Page(PageType.DATA_PAGE, 1, Encoding.PLAIN, [1, 0, 0, 0], uncompressed: 300_000_000), 1 },
    };

    [Theory]
    [MemberData(nameof(BadLayouts))]
    public void A_chunk_whose_pages_do_not_add_up_is_refused_before_any_row_is_read(string reason, byte[] chunk, long rows)
    {
        var error = Assert.Throws<UnreadableObjectException>(() => ParquetChunkReader.Survey(chunk, rows, ParquetColumnKind.Int32, CompressionCodec.UNCOMPRESSED));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_survey_states_the_largest_page_all_pages_and_the_dictionary_as_text()
    {
        byte[] chunk = [.. Page(PageType.DICTIONARY_PAGE, 2, Encoding.PLAIN, [.. Int32s(7, 8)]), .. DataPage(Encoding.PLAIN, 3, [.. Int32s(1, 2, 3)]),
            .. DataPage(Encoding.PLAIN, 1, [.. Int32s(4)])];

        Assert.Equal(new ParquetChunkLayout(12, 24, 2 * 11 + 2 * 4), ParquetChunkReader.Survey(chunk, 4, ParquetColumnKind.Int32, CompressionCodec.UNCOMPRESSED));
    }

    [Fact]
    public void Bytes_after_a_plain_page_s_last_value_are_unreadable()
    {
        var chunk = DataPage(Encoding.PLAIN, 1, [.. Int32s(1, 2)]);
        using var reader = new ParquetChunkReader(ParquetColumnKind.Int32, nullable: false);
        reader.Start(chunk, 0, chunk.Length, CompressionCodec.UNCOMPRESSED, 1, default);

        var error = Assert.Throws<UnreadableObjectException>(() => reader.Next());
        Assert.Contains("4 bytes after its page's last value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_UTF_8_pass_through_as_the_text_path_reads_them()
    {
        // The pipeline then skips the record as not UTF-8, counted, exactly as it skips such a line of a text object.
        var chunk = DataPage(Encoding.PLAIN, 1, [1, 0, 0, 0, 0xFF]);
        using var reader = new ParquetChunkReader(ParquetColumnKind.Text, nullable: false);
        reader.Start(chunk, 0, chunk.Length, CompressionCodec.UNCOMPRESSED, 1, default);

        Assert.Equal([0xFF], reader.Next().ToArray());
    }

    [Fact]
    public async Task A_row_group_whose_pages_claim_more_memory_than_one_may_take_is_refused_before_any_of_its_rows()
    {
        // Two columns of the second row group rewritten as one page each that claims 200 MiB decompressed: each page is
        // within the page limit, together they are over the row group's.
        var path = Path.Combine(_dir, "claims.parquet");
        await DuckDbParquet.GenerateAsync(4_096, path, rowGroupSize: 2_048);
        var bytes = await File.ReadAllBytesAsync(path);
        await using (var file = File.OpenRead(path))
        await using (var parquet = await Parquet.ParquetReader.CreateAsync(file))
        {
            foreach (var chunk in parquet.Metadata!.RowGroups[1].Columns.Where(c => c.MetaData!.PathInSchema[0] is "srcaddr" or "dstaddr").Select(c => c.MetaData!))
            {
                var start = (int)(chunk.DictionaryPageOffset is > 0 and var d ? Math.Min(d, chunk.DataPageOffset) : chunk.DataPageOffset);
                var length = (int)chunk.TotalCompressedSize;
                var header = Page(PageType.DATA_PAGE, 2_048, Encoding.PLAIN, [], uncompressed: 200 << 20);
                var filler = length - header.Length;
                header = Page(PageType.DATA_PAGE, 2_048, Encoding.PLAIN, new byte[filler], uncompressed: 200 << 20);
                header = Page(PageType.DATA_PAGE, 2_048, Encoding.PLAIN, new byte[filler - (header.Length - length)], uncompressed: 200 << 20);
                Assert.Equal(length, header.Length);
                header.CopyTo(bytes, start);
            }
        }
        await File.WriteAllBytesAsync(path, bytes);

        await using var source = new ParquetRecordSource(FileObjectRanges.Open(path), 64 * 1024);
        var rows = 0;
        var error = await Assert.ThrowsAsync<UnreadableObjectException>(async () =>
        {
            while (await source.ReadAsync(CancellationToken.None))
            {
                while (source.TryTake(out _))
                {
                    rows++;
                }
            }
        });

        Assert.Equal(1 + 2_048, rows); // the header and the first row group, none of the second
        Assert.StartsWith("Parquet row group 2 (rows 2049-4096) needs ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("more than the 268435456 one row group may take", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_large_page_buffer_is_let_go_at_the_next_row_group_that_does_not_need_it()
    {
        var values = Enumerable.Range(0, 600_000).ToArray(); // 2.4 MB of int32: over the pooled size
        var large = Compressed(CompressionCodec.GZIP, [.. Int32s(values)]);
        var big = Page(PageType.DATA_PAGE, values.Length, Encoding.PLAIN, large, uncompressed: values.Length * 4);
        var small = Page(PageType.DATA_PAGE, 2, Encoding.PLAIN, Compressed(CompressionCodec.GZIP, [.. Int32s(5, 6)]), uncompressed: 8);
        using var reader = new ParquetChunkReader(ParquetColumnKind.Int32, nullable: false);

        reader.Start(big, 0, big.Length, CompressionCodec.GZIP, values.Length, ParquetChunkReader.Survey(big, values.Length, ParquetColumnKind.Int32, CompressionCodec.GZIP));
        for (var i = 0; i < values.Length; i++)
        {
            reader.Next();
        }
        Assert.True(reader.HeldBytes >= values.Length * 4);

        reader.Start(small, 0, small.Length, CompressionCodec.GZIP, 2, ParquetChunkReader.Survey(small, 2, ParquetColumnKind.Int32, CompressionCodec.GZIP));
        Assert.Equal("5", System.Text.Encoding.UTF8.GetString(reader.Next()));
        Assert.True(reader.HeldBytes <= 1024 * 1024, $"{reader.HeldBytes} bytes held for a row group of one 8-byte page");
    }

    [Fact]
    public void A_column_decoded_elsewhere_in_a_row_group_lets_go_of_the_large_page_an_earlier_one_left()
    {
        var values = Enumerable.Range(0, 600_000).ToArray();
        var big = Page(PageType.DATA_PAGE, values.Length, Encoding.PLAIN, Compressed(CompressionCodec.GZIP, [.. Int32s(values)]), uncompressed: values.Length * 4);
        using var reader = new ParquetChunkReader(ParquetColumnKind.Int32, nullable: false);
        reader.Start(big, 0, big.Length, CompressionCodec.GZIP, values.Length, ParquetChunkReader.Survey(big, values.Length, ParquetColumnKind.Int32, CompressionCodec.GZIP));
        reader.Next();
        Assert.True(reader.HeldBytes >= values.Length * 4);

        reader.Trim(); // the next row group's chunk of this column goes to Parquet.Net

        Assert.True(reader.HeldBytes <= 1024 * 1024, $"{reader.HeldBytes} bytes still held");
    }

    [Fact]
    public void A_zstd_page_whose_frame_states_another_size_than_its_header_is_refused_before_it_is_decompressed()
    {
        var frame = Compressed(CompressionCodec.ZSTD, [.. Int32s(1, 2)]);
        var lying = Page(PageType.DATA_PAGE, 3, Encoding.PLAIN, frame, uncompressed: 12);
        var notZstd = Page(PageType.DATA_PAGE, 2, Encoding.PLAIN, [.. Int32s(1, 2)], uncompressed: 8);

        var error = Assert.Throws<UnreadableObjectException>(() => ParquetChunkReader.Survey(lying, 3, ParquetColumnKind.Int32, CompressionCodec.ZSTD));
        Assert.Contains("a ZSTD page whose frame states 8 bytes where its header says 12", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<UnreadableObjectException>(() => ParquetChunkReader.Survey(notZstd, 2, ParquetColumnKind.Int32, CompressionCodec.ZSTD));
        Assert.Contains("does not start with a zstd frame", error.Message, StringComparison.Ordinal);
        var honest = Page(PageType.DATA_PAGE, 2, Encoding.PLAIN, frame, uncompressed: 8);
        Assert.Equal(8, ParquetChunkReader.Survey(honest, 2, ParquetColumnKind.Int32, CompressionCodec.ZSTD).LargestPageBytes);
    }

    [Fact]
    public void Delta_length_strings_are_slices_after_their_lengths()
    {
        // Lengths 6, 0, 6 as DELTA_BINARY_PACKED (first 6; deltas -6, +6: min delta -6, packed 0 and 12 at 4 bits), then
        // the values back to back, "ACCEPTREJECT".
        var packed = new byte[16]; // one miniblock of 32 values at 4 bits
        packed[0] = 12 << 4;
        byte[] lengths = [0x80, 0x01, 0x04, 0x03, 0x0C, 0x0B, 4, 0, 0, 0, .. packed];
        var chunk = DataPage(Encoding.DELTA_LENGTH_BYTE_ARRAY, 3, [.. lengths, .. "ACCEPTREJECT"u8]);
        using var reader = new ParquetChunkReader(ParquetColumnKind.Text, nullable: false);
        reader.Start(chunk, 0, chunk.Length, CompressionCodec.UNCOMPRESSED, 3, default);

        Assert.Equal(["ACCEPT", "-", "REJECT"], Enumerable.Range(0, 3).Select(_ => System.Text.Encoding.UTF8.GetString(reader.Next())));
    }

    [Fact]
    public void A_gzip_page_that_decompresses_to_other_than_its_stated_size_is_unreadable()
    {
        var values = Int32s(1, 2).ToArray();
        var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(values);
        }
        var chunk = Page(PageType.DATA_PAGE, 2, Encoding.PLAIN, compressed.ToArray(), uncompressed: 12);
        using var reader = new ParquetChunkReader(ParquetColumnKind.Int32, nullable: false);
        reader.Start(chunk, 0, chunk.Length, CompressionCodec.GZIP, 2, default);

        var error = Assert.Throws<UnreadableObjectException>(() => reader.Next());
        Assert.Contains("other than the 12 bytes its header says", error.Message, StringComparison.Ordinal);
    }

    private static byte[] DataPage(Encoding encoding, int values, byte[] body) => Page(PageType.DATA_PAGE, values, encoding, body);

    private static byte[] Page(PageType type, int values, Encoding encoding, byte[] body, int? uncompressed = null)
    {
        var inner = type == PageType.DICTIONARY_PAGE
            ? Thrift.Field(7, Thrift.Struct(Thrift.I32(1, values), Thrift.I32(2, (int)encoding)))
            : Thrift.Field(5, Thrift.Struct(Thrift.I32(1, values), Thrift.I32(2, (int)encoding), Thrift.I32(3, (int)Encoding.RLE), Thrift.I32(4, (int)Encoding.RLE)));
        return [.. Thrift.Struct(Thrift.I32(1, (int)type), Thrift.I32(2, uncompressed ?? body.Length), Thrift.I32(3, body.Length), inner), .. body];
    }

    private static byte[] Compressed(CompressionCodec codec, byte[] bytes)
    {
        if (codec == CompressionCodec.ZSTD)
        {
            using var zstd = new ZstdSharp.Compressor();
            return zstd.Wrap(bytes).ToArray();
        }
        var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }
        return output.ToArray();
    }

    private static IEnumerable<byte> Int32s(params int[] values) => values.SelectMany(v =>
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, v);
        return bytes;
    });

    private static byte[] Text(string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        return [.. BitConverter.GetBytes(bytes.Length), .. bytes];
    }

    /// <summary>Thrift's compact protocol, written by hand from its specification (field ids as deltas, zigzag varints).</summary>
    private static class Thrift
    {
        // A field is (id, type, value bytes); Struct writes each field's header with the delta from the one before.
        public static (short Id, byte Type, byte[] Value) I32(short id, int value) => (id, 5, Varint((uint)((value << 1) ^ (value >> 31))));

        public static (short Id, byte Type, byte[] Value) Binary(short id, ReadOnlySpan<byte> value) => (id, 8, [.. Varint((uint)value.Length), .. value]);

        public static (short Id, byte Type, byte[] Value) Field(short id, byte[] structBytes) => (id, 12, structBytes);

        public static byte[] Struct(params object[] parts)
        {
            var bytes = new List<byte>();
            short last = 0;
            foreach (var part in parts)
            {
                if (part is byte[] field)
                {
                    bytes.AddRange(field); // a field written by hand (a boolean, its value in its type), its id a delta of 1..15
                    last += (short)(field[0] >> 4);
                    continue;
                }
                var (id, type, value) = ((short, byte, byte[]))part;
                bytes.Add((byte)(((id - last) << 4) | type));
                bytes.AddRange(value);
                last = id;
            }
            bytes.Add(0); // the stop byte
            return [.. bytes];
        }

        private static byte[] Varint(uint value)
        {
            var bytes = new List<byte>();
            for (; value >= 0x80; value >>= 7)
            {
                bytes.Add((byte)(value | 0x80));
            }
            bytes.Add((byte)value);
            return [.. bytes];
        }
    }
}
