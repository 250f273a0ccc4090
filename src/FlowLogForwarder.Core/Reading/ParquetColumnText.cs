using System.Buffers;
using System.Buffers.Text;
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
/// and rendered at once, so what stays in memory per row group is the text of its values, not Parquet.Net's objects.
/// Buffers are pooled and reused from row group to row group.
/// </summary>
internal sealed class ParquetColumnText(DataField field, ParquetColumnKind kind) : IDisposable
{
    private static readonly byte[] Absent = "-"u8.ToArray();

    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(4096);
    private int[] _ends = ArrayPool<int>.Shared.Rent(1024);
    private int _length;

    /// <summary>The Parquet field this column reads.</summary>
    public DataField Field { get; } = field;

    /// <summary>The rendered text of row <paramref name="row"/> (0-based within the row group).</summary>
    public ReadOnlySpan<byte> Value(int row)
    {
        var start = row == 0 ? 0 : _ends[row - 1];
        return _bytes.AsSpan(start, _ends[row] - start);
    }

    /// <summary>Bytes of text the current row group's values take.</summary>
    public int TextBytes => _length;

    /// <summary>Decodes and renders this column of <paramref name="rowGroup"/>, which has <paramref name="rows"/> rows.</summary>
    public async ValueTask ReadAsync(ParquetRowGroupReader rowGroup, int rows, CancellationToken cancellationToken)
    {
        _length = 0;
        _ends = Grown(_ends, rows, 0);
        var levels = Field.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(rows) : null;
        try
        {
            switch (kind)
            {
                case ParquetColumnKind.Int32:
                    await RenderNumbersAsync<int>(rowGroup, rows, levels, cancellationToken).ConfigureAwait(false);
                    break;
                case ParquetColumnKind.Int64:
                    await RenderNumbersAsync<long>(rowGroup, rows, levels, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await RenderTextAsync(rowGroup, rows, levels, cancellationToken).ConfigureAwait(false);
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

    private async ValueTask RenderNumbersAsync<T>(ParquetRowGroupReader rowGroup, int rows, int[]? levels, CancellationToken cancellationToken)
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
                    Append(Absent, row);
                    continue;
                }
                Reserve(20);
                if (!values[next++].TryFormat(_bytes.AsSpan(_length), out var written, default, null))
                {
                    throw new UnreadableObjectException($"column '{Field.Name}': a value could not be rendered");
                }
                _length += written;
                _ends[row] = _length;
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(values);
        }
    }

    private async ValueTask RenderTextAsync(ParquetRowGroupReader rowGroup, int rows, int[]? levels, CancellationToken cancellationToken)
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
                    Append(Absent, row);
                    continue;
                }
                Reserve(Encoding.UTF8.GetMaxByteCount(value.Length));
                _length += Encoding.UTF8.GetBytes(value, _bytes.AsSpan(_length));
                _ends[row] = _length;
            }
        }
        finally
        {
            // Parquet.Net decodes each value into its own char array; clearing lets them go with this row group.
            ArrayPool<ReadOnlyMemory<char>>.Shared.Return(values, clearArray: true);
        }
    }

    private static bool IsNull(int[]? levels, int row) => levels is not null && levels[row] == 0;

    private void Append(ReadOnlySpan<byte> text, int row)
    {
        Reserve(text.Length);
        text.CopyTo(_bytes.AsSpan(_length));
        _length += text.Length;
        _ends[row] = _length;
    }

    private void Reserve(int more) => _bytes = Grown(_bytes, _length + more, _length);

    private static T[] Grown<T>(T[] array, int needed, int keep)
    {
        if (array.Length >= needed)
        {
            return array;
        }
        var bigger = ArrayPool<T>.Shared.Rent(Math.Max(needed, array.Length * 2));
        array.AsSpan(0, keep).CopyTo(bigger);
        ArrayPool<T>.Shared.Return(array);
        return bigger;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<int>.Shared.Return(_ends);
    }
}
