using Parquet.Meta;

namespace FlowLogForwarder.Reading;

/// <summary>
/// The parts of a Parquet page header (Thrift <c>PageHeader</c>) a flat column's reader needs: the page's kind and sizes,
/// how many values it holds and how they are encoded, and for data pages v2 where its levels end.
/// </summary>
internal readonly record struct ParquetPageHeader(
    PageType Type,
    int UncompressedSize,
    int CompressedSize,
    int ValueCount,
    Encoding Encoding,
    Encoding DefinitionLevelEncoding,
    int DefinitionLevelBytes,
    int RepetitionLevelBytes,
    bool IsCompressed,
    int HeaderBytes)
{
    /// <summary>Reads the header at the start of <paramref name="bytes"/>; corrupt or missing fields throw <see cref="UnreadableObjectException"/>.</summary>
    public static ParquetPageHeader Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new ThriftCompactReader(bytes);
        int? type = null, uncompressed = null, compressed = null;
        var values = 0;
        var encoding = Encoding.PLAIN;
        var levelEncoding = Encoding.RLE;
        int definitionBytes = 0, repetitionBytes = 0;
        var isCompressed = true;
        short last = 0;
        while (reader.NextField(ref last, out var id, out var kind))
        {
            switch (id)
            {
                case 1: type = reader.Int32(kind); break;
                case 2: uncompressed = reader.Int32(kind); break;
                case 3: compressed = reader.Int32(kind); break;
                case 5 or 7 or 8 when kind == ThriftCompactReader.Struct:
                    short inner = 0;
                    while (reader.NextField(ref inner, out var field, out var fieldKind))
                    {
                        // DataPageHeader (5), DictionaryPageHeader (7) and DataPageHeaderV2 (8) share fields 1 and 2.
                        switch (id, field)
                        {
                            case (_, 1): values = reader.Int32(fieldKind); break;
                            case (5 or 7, 2) or (8, 4): encoding = (Encoding)reader.Int32(fieldKind); break;
                            case (5, 3): levelEncoding = (Encoding)reader.Int32(fieldKind); break;
                            case (8, 5): definitionBytes = reader.Int32(fieldKind); break;
                            case (8, 6): repetitionBytes = reader.Int32(fieldKind); break;
                            case (8, 7): isCompressed = ThriftCompactReader.Boolean(fieldKind); break;
                            default: reader.Skip(fieldKind, 1); break;
                        }
                    }
                    break;
                default: reader.Skip(kind); break;
            }
        }
        if (type is null || uncompressed is null || compressed is null)
        {
            throw new UnreadableObjectException("corrupt page header: its type or sizes are missing");
        }
        if (uncompressed < 0 || compressed < 0 || values < 0 || definitionBytes < 0 || repetitionBytes < 0)
        {
            throw new UnreadableObjectException($"corrupt page header: a negative size or count ({uncompressed}, {compressed}, {values}, {definitionBytes}, {repetitionBytes})");
        }
        return new ParquetPageHeader((PageType)type.Value, uncompressed.Value, compressed.Value, values, encoding, levelEncoding,
            definitionBytes, repetitionBytes, isCompressed, reader.Position);
    }
}
