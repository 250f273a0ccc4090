using System.Buffers;
using System.Buffers.Binary;
using FlowLogForwarder.Parsing;
using Parquet;
using Parquet.Meta;
using Parquet.Schema;

namespace FlowLogForwarder.Reading;

/// <summary>
/// Hands a Parquet flow log object (AWS's <c>FileFormat: parquet</c>) to the pipeline as text: first a header built
/// from the schema (column names with '_' read as AWS's '-'), then each row rendered as AWS's text line (fields in
/// the file's column order, <c>-</c> for null), so a record forwarded from Parquet and from text is the same record.
/// The object is read by ranges: its footer first, then one row group at a time, decoded with Parquet.Net's typed
/// low-level reader (no reflection); memory holds the footer and one row group (its bytes and its text).
/// The header is line 0 and row <c>n</c> (1-based, over the whole object) is line <c>n</c>: the resume position is a row.
/// </summary>
public sealed class ParquetRecordSource : IRecordSource
{
    /// <summary>The bytes read from the end of the object first: the footer of an AWS object fits in one read.</summary>
    public const int TailBytes = 64 * 1024;

    /// <summary>Most rows in one row group: a row group is decoded whole, so a footer claiming more (AWS's hold far
    /// fewer; a corrupt or hostile footer may claim billions of all-null rows) is refused rather than allocated.</summary>
    public const int MaxRowGroupRows = 4 * 1024 * 1024;

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
    private readonly ParquetTextBuffer _text = new(); // the current row group's values, column after column
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

    /// <summary>The largest row group's text so far, in bytes (its values as AWS's text, each with a length byte or two):
    /// what one decoded row group holds.</summary>
    public long LargestRowGroupTextBytes { get; private set; }

    /// <inheritdoc />
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
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
            var value = _columns[c].Next(_text); // every column's cursor moves on, even past a line too long
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
        var (start, size) = ByteRange(index, group);
        if (_groupBytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_groupBytes);
            _groupBytes = null;
        }
        _groupBytes = ArrayPool<byte>.Shared.Rent(size);
        await _object.ReadAsync(start, _groupBytes.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
        _stream!.SetWindow(start, _groupBytes.AsMemory(0, size));
        var reader = _reader!.OpenRowGroupReader(index);
        _text.Clear();
        foreach (var column in _columns)
        {
            try
            {
                await column.ReadAsync(reader, _rows, _text, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsDecodingFault(ex))
            {
                throw new UnreadableObjectException(
                    $"corrupt Parquet row group {index + 1} (rows {_firstRow + 1}-{_firstRow + _rows}), column '{column.Field.Name}': {ex.Message}", ex);
            }
        }
        LargestRowGroupTextBytes = Math.Max(LargestRowGroupTextBytes, _text.WrittenCount);
    }

    // A row group's bytes: from its first column chunk's first page to the end of its last chunk, as the footer says.
    private (long Start, int Size) ByteRange(int index, RowGroup group)
    {
        long start = long.MaxValue, end = 0;
        foreach (var chunk in group.Columns)
        {
            var meta = chunk.MetaData ?? throw new UnreadableObjectException($"corrupt Parquet footer: row group {index + 1} has a column without metadata");
            var first = meta.DictionaryPageOffset is > 0 and var dictionary ? Math.Min(dictionary, meta.DataPageOffset) : meta.DataPageOffset;
            if (first < 4 || first > _object.Length || meta.TotalCompressedSize <= 0 || meta.TotalCompressedSize > _object.Length)
            {
                // Checked one by one so that no sum below can overflow or run backwards.
                throw new UnreadableObjectException($"corrupt Parquet footer: row group {index + 1} has a column chunk at byte {first} of " +
                    $"{meta.TotalCompressedSize} bytes in a {_object.Length}-byte object");
            }
            start = Math.Min(start, first);
            end = Math.Max(end, first + meta.TotalCompressedSize);
        }
        if (group.Columns.Count == 0 || start < 4 || end <= start || end > _object.Length - 8 || end - start > Array.MaxLength)
        {
            throw new UnreadableObjectException($"corrupt Parquet footer: row group {index + 1} lies at bytes {start}-{end} of a {_object.Length}-byte object");
        }
        return (start, (int)(end - start));
    }

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
        ArrayPool<byte>.Shared.Return(_line);
        await _object.DisposeAsync().ConfigureAwait(false);
    }
}
