namespace FlowLogForwarder.Reading;

/// <summary>What decoding one column chunk holds in memory, from its page headers: its largest page decompressed, all
/// its pages decompressed (what Parquet.Net holds for a chunk it decodes whole), and its dictionary rendered as text.</summary>
internal readonly record struct ParquetChunkLayout(long LargestPageBytes, long PageBytes, long DictionaryBytes);
