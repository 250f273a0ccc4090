namespace FlowLogForwarder.Mapping;

/// <summary>Where composed text such as a record's summary goes: a JSON string (escaped) or raw UTF-8 (a protobuf string).</summary>
internal interface ITextOutput
{
    /// <summary>Bytes written.</summary>
    int Position { get; }

    /// <summary>Copies bytes that need no escaping in any output.</summary>
    void Raw(scoped ReadOnlySpan<byte> text);

    /// <summary>Writes one byte that needs no escaping.</summary>
    void Byte(byte value);

    /// <summary>Writes an unsigned integer in decimal.</summary>
    void Number(ulong value);

    /// <summary>Writes a value taken from the input, escaped as the output requires.</summary>
    void StringPart(scoped ReadOnlySpan<byte> utf8);
}
