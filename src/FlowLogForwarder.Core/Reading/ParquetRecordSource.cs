using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using FlowLogForwarder.Parsing;
using Parquet;
using Parquet.Meta;
using Parquet.Schema;

namespace FlowLogForwarder.Reading;

/// <summary>
/// Hands a Parquet flow log object (AWS's <c>FileFormat: parquet</c>) to the pipeline as text: first a header built
/// from the schema (column names with '_' read as AWS's '-'), then each row rendered as AWS's text line (fields in
/// the file's column order, <c>-</c> for null), so a record forwarded from Parquet and from text is the same record.
/// The object is read by ranges: its footer first (parsed by Parquet.Net), then one row group's bytes at a time. Each
/// column is decoded page by page as its rows are taken (<see cref="ParquetChunkReader"/>), so memory holds the
/// footer, one row group's compressed bytes and one decompressed page a column; a column chunk in an encoding or
/// codec that reader does not handle is decoded whole by Parquet.Net's typed low-level reader (no reflection) instead.
/// The header is line 0 and row <c>n</c> (1-based, over the whole object) is line <c>n</c>: the resume position is a row.
/// </summary>
public sealed class ParquetRecordSource : IRecordSource
{
    /// <summary>The bytes read from the end of the object first: the footer of an AWS object fits in one read.</summary>
    public const int TailBytes = 64 * 1024;

    /// <summary>Most rows in one row group: a row group is decoded whole, so a footer claiming more (AWS's hold far
    /// fewer; a corrupt or hostile footer may claim billions of all-null rows) is refused rather than allocated.</summary>
    public const int MaxRowGroupRows = 4 * 1024 * 1024;

    /// <summary>The most memory decoding one row group may take (its columns' pages, dictionaries and, for columns
    /// Parquet.Net decodes, their values), by its page headers: AWS's take a few megabytes; the function may have 512 MB.</summary>
    public const long MaxRowGroupDecodeBytes = 256L * 1024 * 1024;

    /// <summary>The largest footer read: AWS's footers are kilobytes; a footer claiming more is corrupt or hostile.</summary>
    public const int MaxFooterBytes = 16 * 1024 * 1024;

    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private static readonly ParquetOptions ReaderOptions = new() { TreatByteArrayAsString = true };

    private readonly IObjectRanges _object;
    private readonly int _maxLineBytes;
    private readonly long _resumeAfterRow;
    private readonly byte[] _line;
    private ParquetWindowStream? _stream;
    private ParquetReader? _reader;
    private ParquetColumnText[] _columns = [];
    private ParquetChunkReader[] _pages = [];
    private bool[] _paged = [];
    private ParquetChunkLayout[] _layouts = [];    // per column of the current row group: read page by page, else by Parquet.Net into _text
    private UnreadableObjectException? _fault; // found while rows were taken; raised by the next read
    private readonly ParquetTextBuffer _text = new(); // the values of the columns Parquet.Net decodes, column after column
    private byte[] _header = [];
    private byte[]? _groupBytes;
    private int _nextGroup;
    private bool _headerPending;
    private long _firstRow;        // the number of the current row group's first row
    private int _rows;             // rows in the current row group
    private int _next;             // next row to hand out, 0-based in the group
    private bool _placeholders;    // the current group was delivered before: its rows are not decoded
    private long _textBytes;

    /// <summary>Reads <paramref name="source"/> (disposed with the source); rows up to <paramref name="resumeAfterRow"/>
    /// were delivered before, and row groups made only of them are not fetched.</summary>
    public ParquetRecordSource(IObjectRanges source, int maxLineBytes, long resumeAfterRow = 0)
    {
        _object = source;
        _maxLineBytes = maxLineBytes;
        _resumeAfterRow = resumeAfterRow;
        _line = ArrayPool<byte>.Shared.Rent(maxLineBytes);
    }

    /// <summary>True when <paramref name="prefix"/> starts with Parquet's magic bytes.</summary>
    public static bool IsParquet(ReadOnlySpan<byte> prefix) => prefix.StartsWith(Magic);

    /// <inheritdoc />
    public SourceEnd Ending { get; private set; }

    /// <inheritdoc />
    public long TrailingBytesIgnored => 0;

    /// <inheritdoc />
    public long BytesIn => _object.BytesRead;

    /// <inheritdoc />
    public long BytesText => _textBytes;

    /// <inheritdoc />
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        if (_fault is not null)
        {
            throw _fault;
        }
        if (_reader is null)
        {
            await OpenAsync(cancellationToken).ConfigureAwait(false);
            _headerPending = true;
            return true;
        }
        if (_nextGroup == _reader.RowGroupCount)
        {
            Ending = SourceEnd.Complete;
            return false;
        }
        var index = _nextGroup++;
        var group = _reader.Metadata!.RowGroups[index];
        _firstRow += _rows;
        if (group.NumRows is < 0 or > MaxRowGroupRows)
        {
            throw new UnreadableObjectException(
                $"corrupt Parquet footer: row group {index + 1} claims {group.NumRows} rows (at most {MaxRowGroupRows} are read at once)");
        }
        _rows = (int)group.NumRows;
        _next = 0;
        _placeholders = _firstRow + _rows <= _resumeAfterRow;
        if (!_placeholders && _rows > 0)
        {
            await LoadAsync(index, group, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    /// <inheritdoc />
    public bool TryTake(out SourceLine line)
    {
        if (_headerPending)
        {
            _headerPending = false;
            _textBytes += _header.Length + 1;
            line = new SourceLine(0, _header, tooLong: false);
            return true;
        }
        if (_next == _rows)
        {
            line = default;
            return false;
        }
        var row = _next++;
        var number = _firstRow + row + 1;
        if (_placeholders)
        {
            // A row a previous attempt delivered: the pipeline only counts it, so it is not fetched or decoded.
            line = new SourceLine(number, "-"u8, tooLong: false);
            return true;
        }
        var length = 0;
        var tooLong = false;
        for (var c = 0; c < _columns.Length; c++)
        {
            ReadOnlySpan<byte> value;
            try
            {
                value = _paged[c] ? _pages[c].Next() : _columns[c].Next(_text); // every column moves on, even past a line too long
            }
            catch (UnreadableObjectException ex)
            {
                // The rows before this one were handed out; the fault ends the object at the next read.
                _fault = ColumnFault(c, ex);
                _next = _rows;
                line = default;
                return false;
            }
            if (tooLong || length + value.Length + 1 > _maxLineBytes)
            {
                tooLong = true;
                continue;
            }
            if (c > 0)
            {
                _line[length++] = (byte)' ';
            }
            value.CopyTo(_line.AsSpan(length));
            length += value.Length;
        }
        if (tooLong)
        {
            line = new SourceLine(number, default, tooLong: true);
            return true;
        }
        _textBytes += length + 1;
        line = new SourceLine(number, _line.AsSpan(0, length), tooLong: false);
        return true;
    }

    private async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        var length = _object.Length;
        if (length < 12)
        {
            throw new UnreadableObjectException($"not a Parquet object: {length} bytes, too short for Parquet's magic and footer");
        }
        var tail = new byte[(int)Math.Min(length, TailBytes)];
        await _object.ReadAsync(length - tail.Length, tail, cancellationToken).ConfigureAwait(false);
        if (!tail.AsSpan(tail.Length - 4).SequenceEqual(Magic))
        {
            throw new UnreadableObjectException("not a complete Parquet object: it does not end with the PAR1 magic (truncated, or not Parquet)");
        }
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail.AsSpan(tail.Length - 8));
        if (footerLength <= 0 || footerLength > length - 12 || footerLength > MaxFooterBytes)
        {
            throw new UnreadableObjectException($"corrupt Parquet footer: its length reads {footerLength} bytes in a {length}-byte object");
        }
        var stream = new ParquetWindowStream(length);
        if (footerLength + 8 > tail.Length)
        {
            // A footer larger than the first read (a very wide or very long object): fetch it whole.
            tail = new byte[footerLength + 8];
            await _object.ReadAsync(length - tail.Length, tail, cancellationToken).ConfigureAwait(false);
        }
        stream.AddFixed(length - tail.Length, tail);
        if (length > tail.Length)
        {
            var head = new byte[4];
            await _object.ReadAsync(0, head, cancellationToken).ConfigureAwait(false);
            stream.AddFixed(0, head);
        }
        _stream = stream;
        try
        {
            _reader = await ParquetReader.CreateAsync(stream, ReaderOptions, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
            CheckColumnTypes(_reader.Metadata!.Schema);
            _columns = Columns(_reader.Schema);
            _pages = [.. _columns.Select(c => new ParquetChunkReader(c.Kind, c.Field.MaxDefinitionLevel > 0))];
            _paged = new bool[_columns.Length];
            _layouts = new ParquetChunkLayout[_columns.Length];
        }
        catch (Exception ex) when (IsDecodingFault(ex))
        {
            throw new UnreadableObjectException($"corrupt Parquet footer: {ex.Message}", ex);
        }
        _header = System.Text.Encoding.ASCII.GetBytes(string.Join(' ', _columns.Select(c => c.Field.Name.Replace('_', '-'))));
        if (!FlowLogHeader.TryParse(_header, out _, out var error))
        {
            throw new UnreadableObjectException($"not a flow log Parquet object: {error}");
        }
    }

    // Checked on the footer's own schema elements, before Parquet.Net builds its schema model, so that only int32,
    // int64 and string columns reach that model (whose type discovery uses reflection; see the Lambda's project file).
    private static void CheckColumnTypes(List<SchemaElement> elements)
    {
        for (var i = 1; i < elements.Count; i++)
        {
            var element = elements[i];
            var fits = element switch
            {
                { NumChildren: > 0 } or { RepetitionType: FieldRepetitionType.REPEATED } => false,
                { Type: Parquet.Meta.Type.INT32 } => element.ConvertedType is null or ConvertedType.INT_32 &&
                    (element.LogicalType is null || element.LogicalType.INTEGER is { BitWidth: 32, IsSigned: true }),
                { Type: Parquet.Meta.Type.INT64 } => element.ConvertedType is null or ConvertedType.INT_64 &&
                    (element.LogicalType is null || element.LogicalType.INTEGER is { BitWidth: 64, IsSigned: true }),
                { Type: Parquet.Meta.Type.BYTE_ARRAY } => element.ConvertedType is null or ConvertedType.UTF8 &&
                    (element.LogicalType is null || element.LogicalType.STRING is not null),
                _ => false,
            };
            if (!fits)
            {
                var type = element.NumChildren > 0 ? "a group (nested columns)"
                    : element.RepetitionType == FieldRepetitionType.REPEATED ? "repeated"
                    : $"{element.Type}{(element.ConvertedType is { } converted ? $" ({converted})" : "")}";
                throw new UnreadableObjectException(
                    $"not a flow log Parquet object: column '{element.Name}' is {type}; flow log columns are int32, int64 or string");
            }
        }
    }

    private static ParquetColumnText[] Columns(ParquetSchema schema)
    {
        var columns = new List<ParquetColumnText>();
        foreach (var field in schema.Fields)
        {
            if (field is not DataField { IsArray: false } data || data.MaxRepetitionLevel > 0 || data.MaxDefinitionLevel > 1)
            {
                throw new UnreadableObjectException($"not a flow log Parquet object: column '{field.Name}' is nested or repeated; flow log columns are flat");
            }
            var kind = data.ClrType == typeof(int) ? ParquetColumnKind.Int32
                : data.ClrType == typeof(long) ? ParquetColumnKind.Int64
                : data.ClrType == typeof(ReadOnlyMemory<char>) || data.ClrType == typeof(string) ? ParquetColumnKind.Text
                : throw new UnreadableObjectException(
                    $"not a flow log Parquet object: column '{field.Name}' holds {data.ClrType.Name}; flow log columns are int32, int64 or string");
            columns.Add(new ParquetColumnText(data, kind));
        }
        return [.. columns];
    }

    private async ValueTask LoadAsync(int index, RowGroup group, CancellationToken cancellationToken)
    {
        var (chunks, start, size) = ChunkRanges(index, group);
        if (_groupBytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_groupBytes);
            _groupBytes = null;
        }
        _groupBytes = ArrayPool<byte>.Shared.Rent(size);
        await _object.ReadAsync(start, _groupBytes.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
        _text.Clear();
        // Every chunk's pages are checked before any row of the group is handed out, and what decoding them holds is
        // summed, so that a hostile object is refused whole rather than after some of its rows, or after its memory.
        long need = 0;
        for (var c = 0; c < _columns.Length; c++)
        {
            var meta = group.Columns[c].MetaData!;
            ParquetChunkLayout layout;
            try
            {
                layout = ParquetChunkReader.Survey(_groupBytes.AsSpan((int)(chunks[c].Start - start), chunks[c].Size), _rows, _columns[c].Kind, meta.Codec);
            }
            catch (UnreadableObjectException ex)
            {
                throw ColumnFault(c, ex);
            }
            _layouts[c] = layout;
            _paged[c] = ParquetChunkReader.CanRead(meta);
            // Parquet.Net holds a chunk's pages, and for strings their UTF-16 values and our UTF-8 text besides (about
            // five times the pages), and a value and a level a row.
            // The pool hands out powers of two, so a page buffer may be up to twice its page.
            need += _paged[c] ? Pooled(layout.LargestPageBytes) + Pooled(layout.DictionaryBytes) + Pooled(layout.LengthBytes)
                : layout.PageBytes * (_columns[c].Kind == ParquetColumnKind.Text ? 5 : 2) + _rows * 24L;
        }
        if (need > MaxRowGroupDecodeBytes)
        {
            throw new UnreadableObjectException($"Parquet row group {index + 1} (rows {_firstRow + 1}-{_firstRow + _rows}) needs {need} bytes " +
                $"to decode, more than the {MaxRowGroupDecodeBytes} one row group may take");
        }
        ParquetRowGroupReader? reader = null;
        for (var c = 0; c < _columns.Length; c++)
        {
            var meta = group.Columns[c].MetaData!;
            if (_paged[c])
            {
                _pages[c].Start(_groupBytes, (int)(chunks[c].Start - start), chunks[c].Size, meta.Codec, _rows, _layouts[c]);
                continue;
            }
            _pages[c].Trim(); // what an earlier row group's pages left in this column's reader
            if (reader is null)
            {
                _stream!.SetWindow(start, _groupBytes.AsMemory(0, size));
                reader = _reader!.OpenRowGroupReader(index);
            }
            try
            {
                await _columns[c].ReadAsync(reader, _rows, _text, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsDecodingFault(ex))
            {
                throw ColumnFault(c, ex);
            }
        }
        reader?.Dispose();
    }

    private static long Pooled(long bytes) => bytes <= 1 ? bytes : (long)BitOperations.RoundUpToPowerOf2((ulong)bytes);

    // Each column chunk's bytes, as the footer says: from its first page (the dictionary's, if any) for its compressed
    // size. Checked against the schema (one flat chunk per column, in column order, of the column's type and row count)
    // so that a decoder never reads another column's bytes or runs out of values.
    private ((long Start, int Size)[] Chunks, long Start, int Size) ChunkRanges(int index, RowGroup group)
    {
        if (group.Columns.Count != _columns.Length)
        {
            throw new UnreadableObjectException($"corrupt Parquet footer: row group {index + 1} has {group.Columns.Count} column chunks for {_columns.Length} columns");
        }
        var ranges = new (long Start, int Size)[_columns.Length];
        for (var c = 0; c < _columns.Length; c++)
        {
            var column = _columns[c];
            var meta = group.Columns[c].MetaData ?? throw new UnreadableObjectException($"corrupt Parquet footer: row group {index + 1} has a column without metadata");
            var type = column.Kind switch
            {
                ParquetColumnKind.Int32 => Parquet.Meta.Type.INT32,
                ParquetColumnKind.Int64 => Parquet.Meta.Type.INT64,
                _ => Parquet.Meta.Type.BYTE_ARRAY,
            };
            if (meta.PathInSchema is not [var name] || name != column.Field.Name || meta.Type != type || meta.NumValues != _rows)
            {
                throw new UnreadableObjectException($"corrupt Parquet footer: row group {index + 1}'s column chunk {c + 1} " +
                    $"({string.Join('.', meta.PathInSchema)}, {meta.Type}, {meta.NumValues} values) is not column '{column.Field.Name}' ({type}) of {_rows} rows");
            }
            var first = meta.DictionaryPageOffset is > 0 and var dictionary ? Math.Min(dictionary, meta.DataPageOffset) : meta.DataPageOffset;
            if (first < 4 || meta.TotalCompressedSize <= 0 || first > _object.Length - 8 || meta.TotalCompressedSize > _object.Length - 8 - first)
            {
                // Checked one by one so that no sum can overflow or run backwards.
                throw new UnreadableObjectException($"corrupt Parquet footer: row group {index + 1} has a column chunk at byte {first} of " +
                    $"{meta.TotalCompressedSize} bytes in a {_object.Length}-byte object");
            }
            ranges[c] = (first, (int)meta.TotalCompressedSize);
        }
        var start = ranges.Min(r => r.Start);
        var span = ranges.Max(r => r.Start + r.Size) - start;
        if (span > Array.MaxLength)
        {
            throw new UnreadableObjectException($"corrupt Parquet footer: row group {index + 1} spans {span} bytes");
        }
        return (ranges, start, (int)span);
    }

    // A fault of column c's data in the current row group, named so that an operator can find it in the object.
    private UnreadableObjectException ColumnFault(int c, Exception ex) => new(
        $"corrupt Parquet row group {_nextGroup} (rows {_firstRow + 1}-{_firstRow + _rows}), column '{_columns[c].Field.Name}': {ex.Message}", ex);

    // Parquet.Net decodes bytes already in memory, so any exception it raises is about the data, not the transport.
    private static bool IsDecodingFault(Exception ex) =>
        ex is not (OperationCanceledException or UnreadableObjectException or OutOfMemoryException);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_reader is not null)
        {
            await _reader.DisposeAsync().ConfigureAwait(false);
        }
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        if (_groupBytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_groupBytes);
        }
        foreach (var pages in _pages)
        {
            pages.Dispose();
        }
        ArrayPool<byte>.Shared.Return(_line);
        await _object.DisposeAsync().ConfigureAwait(false);
    }
}
