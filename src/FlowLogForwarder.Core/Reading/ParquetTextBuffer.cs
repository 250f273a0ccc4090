namespace FlowLogForwarder.Reading;

/// <summary>
/// The current row group's rendered values, in chunks of <see cref="ChunkBytes"/> allocated once and reused from row
/// group to row group: memory follows the largest row group's text without a contiguous array that grows by copies
/// (whose discarded predecessors, on the large object heap, would stay resident until a full collection).
/// A value never straddles two chunks.
/// </summary>
internal sealed class ParquetTextBuffer
{
    /// <summary>The size of a chunk; a longer value gets a chunk of its own size.</summary>
    public const int ChunkBytes = 1024 * 1024;

    private readonly List<byte[]> _chunks = [];
    private readonly List<int> _ends = []; // bytes written in each chunk in use
    private int _chunk = -1;

    /// <summary>Where the next byte will be written (a position for <see cref="Read"/>).</summary>
    public TextPosition End => _chunk < 0 ? default : new TextPosition(_chunk, _ends[_chunk]);

    /// <summary>Starts the next row group's text; the chunks are kept.</summary>
    public void Clear()
    {
        _chunk = -1;
        _ends.Clear();
    }

    /// <summary>Room for at least <paramref name="size"/> more bytes, in one chunk.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_chunk < 0 || _chunks[_chunk].Length - _ends[_chunk] < size)
        {
            _chunk++;
            _ends.Add(0);
            if (_chunk == _chunks.Count)
            {
                _chunks.Add(GC.AllocateUninitializedArray<byte>(Math.Max(size, ChunkBytes)));
            }
            else if (_chunks[_chunk].Length < size)
            {
                _chunks[_chunk] = GC.AllocateUninitializedArray<byte>(size);
            }
        }
        return _chunks[_chunk].AsSpan(_ends[_chunk]);
    }

    /// <summary>Marks <paramref name="count"/> bytes of the span from <see cref="GetSpan"/> as written.</summary>
    public void Advance(int count)
    {
        _ends[_chunk] += count;
    }

    /// <summary>The written bytes from <paramref name="position"/> to the end of its chunk, moving to the next chunk
    /// when <paramref name="position"/> is at the end of one.</summary>
    public ReadOnlySpan<byte> Read(ref TextPosition position)
    {
        if (position.Offset == _ends[position.Chunk])
        {
            position = new TextPosition(position.Chunk + 1, 0);
        }
        return _chunks[position.Chunk].AsSpan(position.Offset, _ends[position.Chunk] - position.Offset);
    }
}

/// <summary>A place in a <see cref="ParquetTextBuffer"/>.</summary>
internal readonly record struct TextPosition(int Chunk, int Offset)
{
    /// <summary>The position <paramref name="bytes"/> further in the same chunk.</summary>
    public TextPosition Plus(int bytes) => new(Chunk, Offset + bytes);
}
