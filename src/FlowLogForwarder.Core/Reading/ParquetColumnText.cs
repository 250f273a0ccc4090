using System.Buffers;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace FlowLogForwarder.Reading;

/// <summary>The kinds of Parquet column a flow log has (AWS's table: int32, int64, string; each nullable).</summary>
internal enum ParquetColumnKind
{
    Int32,
    Int64,
    Text,
}

/// <summary>
/// One column of the current row group rendered as AWS writes it in text: each row's value as UTF-8, <c>-</c> for
/// null. The column is decoded with Parquet.Net's typed raw read (values and definition levels into pooled buffers)
/// and rendered at once into the row group's shared text buffer, each value prefixed by its length (a 7-bit varint),
/// so a row group costs its text and about a byte per value, not Parquet.Net's objects. Rows are taken in order, so
/// each column walks its own part of the buffer with a cursor.
/// </summary>
internal sealed class ParquetColumnText(DataField field, ParquetColumnKind kind)
{
    private TextPosition _cursor;

    /// <summary>The Parquet field this column reads.</summary>
    public DataField Field { get; } = field;

    /// <summary>The column's type, as AWS's table has it.</summary>
    public ParquetColumnKind Kind { get; } = kind;

    /// <summary>Decodes this column of <paramref name="rowGroup"/> (<paramref name="rows"/> rows) and appends its values to <paramref name="text"/>.</summary>
    public async ValueTask ReadAsync(ParquetRowGroupReader rowGroup, int rows, ParquetTextBuffer text, CancellationToken cancellationToken)
    {
        _cursor = text.End;
        var levels = Field.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(rows) : null;
        try
        {
            switch (Kind)
            {
                case ParquetColumnKind.Int32:
                    await RenderNumbersAsync<int>(rowGroup, rows, levels, text, cancellationToken).ConfigureAwait(false);
                    break;
                case ParquetColumnKind.Int64:
                    await RenderNumbersAsync<long>(rowGroup, rows, levels, text, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await RenderTextAsync(rowGroup, rows, levels, text, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        finally
        {
            if (levels is not null)
            {
                ArrayPool<int>.Shared.Return(levels);
            }
        }
    }

    /// <summary>The next row's value from <paramref name="text"/>, the buffer this column was read into.</summary>
    public ReadOnlySpan<byte> Next(ParquetTextBuffer text)
    {
        var rest = text.Read(ref _cursor);
        var length = 0;
        var i = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = rest[i++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }
        _cursor = _cursor.Plus(i + length);
        return rest.Slice(i, length);
    }

    private async ValueTask RenderNumbersAsync<T>(ParquetRowGroupReader rowGroup, int rows, int[]? levels, ParquetTextBuffer text,
        CancellationToken cancellationToken)
        where T : struct, IUtf8SpanFormattable
    {
        var values = ArrayPool<T>.Shared.Rent(rows);
        try
        {
            await rowGroup.ReadRawAsync(Field, values.AsMemory(0, rows), levels?.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
            var next = 0;
            for (var row = 0; row < rows; row++)
            {
                if (IsNull(levels, row))
                {
                    WriteAbsent(text);
                    continue;
                }
                var span = text.GetSpan(21);
                values[next++].TryFormat(span[1..], out var written, default, null); // at most 20 digits and a sign fit
                span[0] = (byte)written;
                text.Advance(written + 1);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(values);
        }
    }

    private async ValueTask RenderTextAsync(ParquetRowGroupReader rowGroup, int rows, int[]? levels, ParquetTextBuffer text,
        CancellationToken cancellationToken)
    {
        var values = ArrayPool<ReadOnlyMemory<char>>.Shared.Rent(rows);
        try
        {
            await rowGroup.ReadRawAsync(Field, values.AsMemory(0, rows), levels?.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
            var next = 0;
            for (var row = 0; row < rows; row++)
            {
                var value = IsNull(levels, row) ? default : values[next++].Span;
                if (value.IsEmpty)
                {
                    // AWS's text has no empty values ("-" is absent), and an empty field would shift the line's columns.
                    WriteAbsent(text);
                    continue;
                }
                var length = Encoding.UTF8.GetByteCount(value);
                var span = text.GetSpan(length + 5);
                var prefix = WriteLength(span, length);
                Encoding.UTF8.GetBytes(value, span[prefix..]);
                text.Advance(prefix + length);
            }
        }
        finally
        {
            // Parquet.Net decodes each plain value into its own char array; clearing lets them go with this row group.
            ArrayPool<ReadOnlyMemory<char>>.Shared.Return(values, clearArray: true);
        }
    }

    private static bool IsNull(int[]? levels, int row) => levels is not null && levels[row] == 0;

    private static void WriteAbsent(ParquetTextBuffer text)
    {
        var span = text.GetSpan(2);
        span[0] = 1;
        span[1] = (byte)'-';
        text.Advance(2);
    }

    private static int WriteLength(Span<byte> span, int length)
    {
        var i = 0;
        for (; length >= 0x80; length >>= 7)
        {
            span[i++] = (byte)(length | 0x80);
        }
        span[i++] = (byte)length;
        return i;
    }
}
