using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using K4os.Compression.LZ4;
using Parquet.Meta;
using Snappier;
using ZstdSharp;

namespace FlowLogForwarder.Reading;

/// <summary>
/// One flat column of a Parquet object, read page by page from its column chunk's bytes and handed out a row at a time
/// as AWS writes the value in text (<c>-</c> for null or empty). Corrupt data throws <see cref="UnreadableObjectException"/>
/// saying what is wrong; the caller names the column and row group. Memory is one decompressed page and the column's
/// dictionary rendered as text, never the row group: a string value is a slice of its page, a number is formatted into
/// a small scratch buffer. Handles what AWS and common writers produce (data pages v1 and v2; PLAIN and dictionary
/// encodings, DELTA_BINARY_PACKED numbers and DELTA_LENGTH_BYTE_ARRAY strings; RLE definition levels; UNCOMPRESSED, GZIP, SNAPPY, ZSTD, LZ4_RAW, BROTLI); <see cref="CanRead"/> says which chunks
/// those are, and any other is decoded by Parquet.Net instead.
/// </summary>
internal sealed class ParquetChunkReader(ParquetColumnKind kind, bool nullable) : IDisposable
{
    /// <summary>The largest page decompressed: AWS's pages are about a megabyte and DuckDB starts a new one after 100 MB;
    /// a header claiming more is corrupt or hostile.</summary>
    public const int MaxPageBytes = 256 * 1024 * 1024;

    private readonly byte[] _number = new byte[24];
    private byte[] _chunk = [];
    private int _position;          // the next page header in _chunk
    private int _chunkEnd;
    private CompressionCodec _codec;
    private long _rowsLeft;         // rows of the row group not yet handed out
    private int _pageRowsLeft;
    private byte[] _values = [];    // the current page's values (a pooled page buffer, or _chunk when not compressed)
    private int _valuePosition;
    private int _valueEnd;
    private RleBitPackedDecoder _levels;
    private RleBitPackedDecoder _indexes;
    private DeltaBinaryPackedDecoder _deltas;
    private Encoding _pageEncoding; // PLAIN, RLE_DICTIONARY (for both dictionary encodings) or DELTA_BINARY_PACKED
    private byte[]? _page;          // pooled, reused from page to page
    private byte[]? _dictionary;    // pooled: each dictionary entry as text
    private int[]? _dictionaryEnds; // pooled: where each entry ends in _dictionary
    private int[]? _lengths;        // the current DELTA_LENGTH_BYTE_ARRAY page's value lengths
    private int _lengthCount;
    private int _nextLength;
    private int _dictionaryCount = -1;
    private Decompressor? _zstd;

    private const int PooledBytes = 1024 * 1024;

    /// <summary>True when this reader decodes <paramref name="chunk"/>'s codec and every encoding its footer lists.</summary>
    public static bool CanRead(ColumnMetaData chunk) =>
        chunk.Codec is CompressionCodec.UNCOMPRESSED or CompressionCodec.GZIP or CompressionCodec.SNAPPY or CompressionCodec.ZSTD or
            CompressionCodec.LZ4_RAW or CompressionCodec.BROTLI &&
        // parquet-mr lists BIT_PACKED for optional columns whatever their levels use; a page whose levels are BIT_PACKED is refused.
        chunk.Encodings.TrueForAll(e => e is Encoding.PLAIN or Encoding.PLAIN_DICTIONARY or Encoding.RLE_DICTIONARY or Encoding.RLE or Encoding.BIT_PACKED ||
            e is Encoding.DELTA_BINARY_PACKED && chunk.Type is Parquet.Meta.Type.INT32 or Parquet.Meta.Type.INT64 ||
            e is Encoding.DELTA_LENGTH_BYTE_ARRAY && chunk.Type is Parquet.Meta.Type.BYTE_ARRAY);

    /// <summary>
    /// Walks the page headers of a column chunk of <paramref name="rows"/> rows without decompressing anything, so that
    /// a chunk is refused whole, before any of its rows is handed out, when its pages do not fill it exactly, when a
    /// page is of a kind a flat column does not have, when a dictionary page is not the first or its size does not fit
    /// its count, or when its pages hold other than one value a row. Returns what decoding it will hold in memory.
    /// </summary>
    public static ParquetChunkLayout Survey(ReadOnlySpan<byte> chunk, long rows, ParquetColumnKind kind, CompressionCodec codec)
    {
        var position = 0;
        long values = 0, largest = 0, total = 0, dictionary = 0, pageValues = 0;
        var first = true;
        while (position < chunk.Length)
        {
            var header = PageAt(chunk, position, out var body);
            if (codec == CompressionCodec.ZSTD && header.IsCompressed)
            {
                CheckZstdFrame(chunk.Slice(body, header.CompressedSize), header);
            }
            switch (header.Type)
            {
                case PageType.DICTIONARY_PAGE when first:
                    long count = header.ValueCount;
                    var fits = kind switch
                    {
                        ParquetColumnKind.Int32 => header.UncompressedSize == count * 4,
                        ParquetColumnKind.Int64 => header.UncompressedSize == count * 8,
                        _ => header.UncompressedSize >= count * 4,
                    };
                    if (count > rows || !fits)
                    {
                        throw Corrupt($"a dictionary of {count} values in {header.UncompressedSize} bytes for {rows} rows");
                    }
                    dictionary = DictionaryTextBytes(kind, (int)count, header.UncompressedSize) + count * sizeof(int);
                    break;
                case PageType.DICTIONARY_PAGE:
                    throw Corrupt("a dictionary page after its first page");
                case PageType.DATA_PAGE or PageType.DATA_PAGE_V2:
                    values += header.ValueCount;
                    pageValues = Math.Max(pageValues, header.ValueCount);
                    break;
                default:
                    throw Corrupt($"a page of type {header.Type}, which a flow log column does not have");
            }
            largest = Math.Max(largest, header.UncompressedSize);
            total += header.UncompressedSize;
            first = false;
            position = body + header.CompressedSize;
        }
        return values == rows
            ? new ParquetChunkLayout(largest, total, dictionary, kind == ParquetColumnKind.Text ? pageValues * sizeof(int) : 0)
            : throw Corrupt($"its pages hold {values} values for {rows} rows");
    }

    // The header of the page at position, its body starting at body: a page must lie within its chunk and claim at
    // most MaxPageBytes (Survey checks every page so; the reader checks again the page it is about to decode).
    private static ParquetPageHeader PageAt(ReadOnlySpan<byte> chunk, int position, out int body)
    {
        var header = ParquetPageHeader.Read(chunk[position..]);
        body = position + header.HeaderBytes;
        if (header.CompressedSize > chunk.Length - body)
        {
            throw Corrupt($"a page of {header.CompressedSize} bytes runs past the end of its column chunk");
        }
        if (header.UncompressedSize > MaxPageBytes)
        {
            throw Corrupt($"a page claims {header.UncompressedSize} bytes decompressed (at most {MaxPageBytes} are read)");
        }
        return header;
    }

    // A zstd frame states its size in its header, and Parquet.Net's decoder allocates what it states: a page is refused
    // unless its frame states exactly what the page header says (RFC 8878, 3.1.1.1: magic, descriptor, window, dictionary id, size).
    private static void CheckZstdFrame(ReadOnlySpan<byte> page, ParquetPageHeader header)
    {
        var levels = header.Type == PageType.DATA_PAGE_V2 ? header.DefinitionLevelBytes + header.RepetitionLevelBytes : 0;
        var frame = levels <= page.Length ? page[levels..] : [];
        if (frame.Length < 5 || BinaryPrimitives.ReadUInt32LittleEndian(frame) != 0xFD2FB528)
        {
            throw Corrupt("a ZSTD page that does not start with a zstd frame");
        }
        var descriptor = frame[4];
        var singleSegment = (descriptor & 0x20) != 0;
        var sizeBytes = (descriptor >> 6) switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        var at = 5 + (singleSegment ? 0 : 1) + (descriptor & 3) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 };
        if (sizeBytes == 0 || frame.Length < at + sizeBytes)
        {
            throw Corrupt("a ZSTD page whose frame does not state its size");
        }
        var size = sizeBytes switch
        {
            1 => frame[at],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(frame[at..]) + 256UL,
            4 => BinaryPrimitives.ReadUInt32LittleEndian(frame[at..]),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(frame[at..]),
        };
        if (size != (ulong)(header.UncompressedSize - levels))
        {
            throw Corrupt($"a ZSTD page whose frame states {size} bytes where its header says {header.UncompressedSize - levels}");
        }
    }

    // Text is at most 11 characters an int32 and 20 an int64, and a string's bytes (or "-") without its 4-byte length.
    private static int DictionaryTextBytes(ParquetColumnKind kind, int count, int pageBytes) => kind switch
    {
        ParquetColumnKind.Int32 => count * 11,
        ParquetColumnKind.Int64 => count * 20,
        _ => pageBytes - count * 4 + count,
    };

    /// <summary>Starts a row group: its column chunk is <paramref name="chunk"/> from <paramref name="start"/> for
    /// <paramref name="length"/> bytes, holds <paramref name="rows"/> rows and was surveyed as <paramref name="layout"/>.</summary>
    public void Start(byte[] chunk, int start, int length, CompressionCodec codec, long rows, ParquetChunkLayout layout)
    {
        Release(ref _page, layout.LargestPageBytes);
        Release(ref _dictionary, layout.DictionaryBytes);
        Release(ref _dictionaryEnds, layout.DictionaryBytes);
        Release(ref _lengths, layout.LengthBytes);
        _chunk = chunk;
        _position = start;
        _chunkEnd = start + length;
        _codec = codec;
        _rowsLeft = rows;
        _pageRowsLeft = 0;
        _dictionaryCount = -1;
    }

    /// <summary>Lets go of any buffer over the pooled size: the column's chunk in this row group is decoded elsewhere.</summary>
    public void Trim()
    {
        Release(ref _page, 0);
        Release(ref _dictionary, 0);
        Release(ref _dictionaryEnds, 0);
        Release(ref _lengths, 0);
    }

    /// <summary>The bytes of the buffers this reader holds between row groups (its page, dictionary and lengths).</summary>
    internal long HeldBytes => (_page?.Length ?? 0L) + (_dictionary?.Length ?? 0L) + 4L * (_dictionaryEnds?.Length ?? 0) + 4L * (_lengths?.Length ?? 0);

    /// <summary>The next row's value as text, valid until the next call; corrupt data throws <see cref="UnreadableObjectException"/>.</summary>
    public ReadOnlySpan<byte> Next()
    {
        if (_pageRowsLeft == 0)
        {
            NextDataPage();
        }
        _pageRowsLeft--;
        _rowsLeft--;
        if (nullable)
        {
            var level = _levels.Next();
            if (level == 0)
            {
                return "-"u8;
            }
            if (level != 1)
            {
                throw Corrupt($"a definition level of {level} in a flat column");
            }
        }
        if (_pageEncoding == Encoding.DELTA_BINARY_PACKED)
        {
            var value = _deltas.Next();
            int written;
            _ = kind == ParquetColumnKind.Int32
                ? Utf8Formatter.TryFormat(unchecked((int)value), _number, out written)
                : Utf8Formatter.TryFormat(value, _number, out written);
            return _number.AsSpan(0, written);
        }
        if (_pageEncoding == Encoding.RLE_DICTIONARY)
        {
            var index = _indexes.Next();
            if ((uint)index >= (uint)_dictionaryCount)
            {
                throw Corrupt($"dictionary index {index} of a dictionary of {_dictionaryCount} values");
            }
            var start = index == 0 ? 0 : _dictionaryEnds![index - 1];
            return _dictionary.AsSpan(start, _dictionaryEnds![index] - start);
        }
        var plain = _pageEncoding == Encoding.DELTA_LENGTH_BYTE_ARRAY ? NextOfLength() : Plain(_values, ref _valuePosition, _valueEnd, _number);
        if (_pageRowsLeft == 0 && _valuePosition != _valueEnd)
        {
            throw Corrupt($"{_valueEnd - _valuePosition} bytes after its page's last value");
        }
        return plain;
    }

    // DELTA_LENGTH_BYTE_ARRAY: every value's length first (DELTA_BINARY_PACKED), then the values' bytes back to back.
    private ReadOnlySpan<byte> NextOfLength()
    {
        if (_nextLength == _lengthCount)
        {
            throw Corrupt($"more values than the {_lengthCount} lengths its page holds");
        }
        var length = _lengths![_nextLength++];
        if (length > _valueEnd - _valuePosition)
        {
            throw Corrupt($"a value of {length} bytes with {_valueEnd - _valuePosition} left in its page");
        }
        var value = _values.AsSpan(_valuePosition, length);
        _valuePosition += length;
        return length == 0 ? "-"u8 : value;
    }

    // PLAIN: int32 and int64 little-endian, byte arrays each after a 4-byte length. Numbers are written into scratch.
    private ReadOnlySpan<byte> Plain(byte[] values, ref int position, int end, Span<byte> scratch)
    {
        int written;
        switch (kind)
        {
            case ParquetColumnKind.Int32:
                if (end - position < 4)
                {
                    throw Corrupt("its values end early");
                }
                Utf8Formatter.TryFormat(BinaryPrimitives.ReadInt32LittleEndian(values.AsSpan(position)), scratch, out written);
                position += 4;
                return scratch[..written];
            case ParquetColumnKind.Int64:
                if (end - position < 8)
                {
                    throw Corrupt("its values end early");
                }
                Utf8Formatter.TryFormat(BinaryPrimitives.ReadInt64LittleEndian(values.AsSpan(position)), scratch, out written);
                position += 8;
                return scratch[..written];
            default:
                if (end - position < 4)
                {
                    throw Corrupt("its values end early");
                }
                var length = BinaryPrimitives.ReadInt32LittleEndian(values.AsSpan(position));
                position += 4;
                if (length < 0 || length > end - position)
                {
                    throw Corrupt($"a value of {length} bytes with {end - position} left in its page");
                }
                var value = values.AsSpan(position, length);
                position += length;
                // AWS's text has no empty values ("-" is absent), and an empty field would shift the line's columns.
                return length == 0 ? "-"u8 : value;
        }
    }

    private void NextDataPage()
    {
        if (_rowsLeft <= 0)
        {
            throw Corrupt("more rows were asked of it than its row group holds");
        }
        while (true)
        {
            if (_position >= _chunkEnd)
            {
                throw Corrupt($"its column chunk ends {_rowsLeft} rows short of its row group");
            }
            var header = PageAt(_chunk.AsSpan(0, _chunkEnd), _position, out var body);
            _position = body + header.CompressedSize;
            switch (header.Type)
            {
                case PageType.DICTIONARY_PAGE:
                    ReadDictionary(header, body);
                    break;
                case PageType.DATA_PAGE when header.ValueCount > 0:
                    StartPage(header, body, levelsInline: true);
                    return;
                case PageType.DATA_PAGE_V2 when header.ValueCount > 0:
                    StartPage(header, body, levelsInline: false);
                    return;
                default:
                    break; // a data page without values (Survey refused every other kind): nothing to hand out
            }
        }
    }

    private void StartPage(ParquetPageHeader header, int body, bool levelsInline)
    {
        if (header.ValueCount > _rowsLeft)
        {
            throw Corrupt($"a page of {header.ValueCount} values where {_rowsLeft} rows are left in its row group");
        }
        if (header.RepetitionLevelBytes > 0)
        {
            throw Corrupt("repetition levels in a flat column");
        }
        _pageRowsLeft = header.ValueCount;
        byte[] page;
        int position, end;
        if (levelsInline)
        {
            // v1: levels and values are compressed together; the levels come first, after a 4-byte length.
            (page, position, end) = Decompress(body, header.CompressedSize, header.UncompressedSize);
            if (nullable)
            {
                if (header.DefinitionLevelEncoding != Encoding.RLE)
                {
                    throw Corrupt($"definition levels encoded as {header.DefinitionLevelEncoding}");
                }
                var length = end - position >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(position)) : -1;
                if (length < 0 || length > end - position - 4)
                {
                    throw Corrupt("its definition levels run past the end of their page");
                }
                _levels = new RleBitPackedDecoder(page, position + 4, position + 4 + length, 1);
                position += 4 + length;
            }
        }
        else
        {
            // v2: the levels stay uncompressed ahead of the values, which are compressed unless the header says not.
            var levels = header.DefinitionLevelBytes;
            if (levels > header.CompressedSize || levels > header.UncompressedSize)
            {
                throw Corrupt("its definition levels run past the end of their page");
            }
            if (nullable)
            {
                _levels = new RleBitPackedDecoder(_chunk, body, body + levels, 1);
            }
            (page, position, end) = header.IsCompressed
                ? Decompress(body + levels, header.CompressedSize - levels, header.UncompressedSize - levels)
                : (_chunk, body + levels, body + header.CompressedSize);
        }
        switch (header.Encoding)
        {
            case Encoding.PLAIN:
                _pageEncoding = Encoding.PLAIN;
                _values = page;
                _valuePosition = position;
                _valueEnd = end;
                break;
            case Encoding.PLAIN_DICTIONARY or Encoding.RLE_DICTIONARY:
                if (_dictionaryCount < 0)
                {
                    throw Corrupt("a dictionary-encoded page without a dictionary page before it");
                }
                _pageEncoding = Encoding.RLE_DICTIONARY;
                // A page of nulls only may hold no values at all, not even the bit width.
                _indexes = new RleBitPackedDecoder(page, Math.Min(position + 1, end), end, position < end ? page[position] : 0);
                break;
            case Encoding.DELTA_LENGTH_BYTE_ARRAY when kind == ParquetColumnKind.Text:
                _pageEncoding = Encoding.DELTA_LENGTH_BYTE_ARRAY;
                _values = page;
                _valueEnd = end;
                _valuePosition = end;
                _lengthCount = 0;
                _nextLength = 0;
                if (position < end)
                {
                    var lengths = new DeltaBinaryPackedDecoder(page, position, end);
                    if (lengths.Remaining > header.ValueCount)
                    {
                        throw Corrupt($"{lengths.Remaining} value lengths in a page of {header.ValueCount} values");
                    }
                    _lengthCount = (int)lengths.Remaining;
                    var buffer = Rent(ref _lengths, _lengthCount);
                    for (var i = 0; i < _lengthCount; i++)
                    {
                        var length = lengths.Next();
                        buffer[i] = length is >= 0 and <= int.MaxValue ? (int)length : throw Corrupt($"a value length of {length}");
                    }
                    _valuePosition = lengths.Position;
                }
                break;
            case Encoding.DELTA_BINARY_PACKED when kind != ParquetColumnKind.Text:
                _pageEncoding = Encoding.DELTA_BINARY_PACKED;
                // A page of nulls only may hold no values at all, not even the header.
                _deltas = position < end ? new DeltaBinaryPackedDecoder(page, position, end) : default;
                break;
            default:
                throw Corrupt($"a page encoded as {header.Encoding}, which its column chunk's metadata does not list");
        }
    }

    // The dictionary's values rendered as text once, so each row costs an index and a slice.
    private void ReadDictionary(ParquetPageHeader header, int body)
    {
        if (header.Encoding is not (Encoding.PLAIN or Encoding.PLAIN_DICTIONARY))
        {
            throw Corrupt($"a dictionary page encoded as {header.Encoding}");
        }
        var (page, position, end) = Decompress(body, header.CompressedSize, header.UncompressedSize);
        var count = header.ValueCount;
        if (count > end - position)
        {
            throw Corrupt($"a dictionary of {count} values in {end - position} bytes");
        }
        var dictionary = Rent(ref _dictionary, DictionaryTextBytes(kind, count, end - position));
        var ends = Rent(ref _dictionaryEnds, count);
        var written = 0;
        for (var i = 0; i < count; i++)
        {
            var value = Plain(page, ref position, end, _number);
            value.CopyTo(dictionary.AsSpan(written));
            written += value.Length;
            ends[i] = written;
        }
        _dictionaryCount = count;
    }

    private (byte[] Page, int Start, int End) Decompress(int start, int length, int size)
    {
        if (_codec == CompressionCodec.UNCOMPRESSED)
        {
            return size == length ? (_chunk, start, start + length) : throw Corrupt($"an uncompressed page of {length} bytes claims {size}");
        }
        var page = Rent(ref _page, size);
        var source = _chunk.AsSpan(start, length);
        int decompressed;
        try
        {
            decompressed = _codec switch
            {
                CompressionCodec.GZIP => Gunzip(start, length, page.AsSpan(0, size)),
                CompressionCodec.SNAPPY => Snappy.GetUncompressedLength(source) == size ? Snappy.Decompress(source, page) : -1,
                CompressionCodec.ZSTD => (_zstd ??= new Decompressor()).Unwrap(source, page.AsSpan(0, size)),
                CompressionCodec.LZ4_RAW => LZ4Codec.Decode(source, page.AsSpan(0, size)),
                CompressionCodec.BROTLI => BrotliDecoder.TryDecompress(source, page.AsSpan(0, size), out var written) ? written : -1,
                _ => throw Corrupt($"compressed with {_codec}"),
            };
        }
        catch (Exception ex) when (ex is InvalidDataException or ZstdException or ArgumentException)
        {
            throw Corrupt($"its {_codec} data does not decompress: {ex.Message}");
        }
        return decompressed == size ? (page, 0, size) : throw Corrupt($"a page that decompresses to other than the {size} bytes its header says");
    }

    private int Gunzip(int start, int length, Span<byte> destination)
    {
        using var gzip = new GZipStream(new MemoryStream(_chunk, start, length, writable: false), CompressionMode.Decompress);
        var total = 0;
        int read;
        while (total < destination.Length && (read = gzip.Read(destination[total..])) > 0)
        {
            total += read;
        }
        Span<byte> extra = stackalloc byte[1];
        return total == destination.Length && gzip.Read(extra) == 0 ? total : -1;
    }

    // Buffers come from the shared pool (its power-of-two sizes let the next row group's slightly larger page reuse
    // one) and are kept from row group to row group. One over a megabyte is never handed back to the pool, where it
    // would stay parked: it is let go when it must grow, and at the next row group that needs less than half of it,
    // so that what a column holds follows the current row group's layout.
    private static T[] Rent<T>(ref T[]? buffer, int size)
    {
        if (buffer is null || buffer.Length < size)
        {
            Release(ref buffer, keep: -1);
            buffer = ArrayPool<T>.Shared.Rent(Math.Max(size, 1));
        }
        return buffer;
    }

    // keep: the bytes the coming row group needs of this buffer; -1 to let it go in any case.
    private static void Release<T>(ref T[]? buffer, long keep)
    {
        if (buffer is null)
        {
            return;
        }
        var bytes = (long)buffer.Length * Unsafe.SizeOf<T>();
        if (keep >= 0 && (bytes <= PooledBytes || bytes <= 2 * keep))
        {
            return;
        }
        if (bytes <= PooledBytes)
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
        buffer = null;
    }

    private static UnreadableObjectException Corrupt(string what) => new(what);

    /// <inheritdoc />
    public void Dispose()
    {
        Release(ref _page, -1);
        Release(ref _dictionary, -1);
        Release(ref _dictionaryEnds, -1);
        Release(ref _lengths, -1);
        _zstd?.Dispose();
    }
}
