namespace FlowLogForwarder.Reading;

/// <summary>What decoding one column chunk holds in memory, from its page headers: its largest page decompressed, all
/// its pages decompressed (what Parquet.Net holds for a chunk it decodes whole), its dictionary rendered as text, and
/// the value lengths of its largest page (DELTA_LENGTH_BYTE_ARRAY strings).</summary>
internal readonly record struct ParquetChunkLayout(long LargestPageBytes, long PageBytes, long DictionaryBytes, long LengthBytes = 0);
