namespace FlowLogForwarder.Reading;

/// <summary>
/// Parquet's DELTA_BINARY_PACKED encoding of int32 and int64 values, read one value at a time: a header (block size,
/// miniblocks per block, value count, first value), then blocks of a minimum delta, one bit width per miniblock and
/// the miniblocks' deltas bit-packed LSB first. Arithmetic wraps at 64 bits as the specification says, so an int32
/// column whose deltas need 33 bits (its minimum next to its maximum) reads exactly once cast back to 32 bits.
/// Every read is bounded by the region it was given.
/// </summary>
internal struct DeltaBinaryPackedDecoder
{
    /// <summary>The most miniblocks a block may have, and the most values in a block: far beyond what writers use
    /// (4 and 128), small enough that a hostile header cannot make a block's arithmetic overflow.</summary>
    public const int MaxMiniblocks = 1024;

    private const int MaxBlockValues = 1 << 20;

    private readonly byte[] _buffer;
    private readonly int _end;
    private readonly int _miniblocks;
    private readonly int _valuesPerMiniblock;
    private int _position;      // the next block, or the next miniblock's data
    private long _remaining;    // values not yet read
    private bool _started;      // the first value, stored in the header, was read
    private long _last;
    private long _minDelta;
    private int _widths;        // where the current block's bit widths are
    private int _miniblock;     // the current miniblock in its block; _miniblocks when a new block is due
    private int _left;          // values left in the current miniblock
    private int _bitWidth;
    private long _bit;          // the next bit of the current miniblock, from the start of _buffer

    /// <summary>Reads the values in <paramref name="buffer"/> from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public DeltaBinaryPackedDecoder(byte[] buffer, int start, int end)
    {
        _buffer = buffer;
        _position = start;
        _end = end;
        var blockValues = Varint();
        var miniblocks = Varint();
        if (blockValues is 0 or > MaxBlockValues || blockValues % 128 != 0 || miniblocks is 0 or > MaxMiniblocks ||
            blockValues % miniblocks != 0 || blockValues / miniblocks % 32 != 0)
        {
            throw Corrupt($"blocks of {blockValues} values in {miniblocks} miniblocks");
        }
        _miniblocks = (int)miniblocks;
        _valuesPerMiniblock = (int)(blockValues / miniblocks);
        var count = Varint();
        _remaining = count <= int.MaxValue ? (long)count : throw Corrupt($"{count} values");
        _last = ParquetBits.ZigZag(Varint());
        _miniblock = _miniblocks;
    }

    /// <summary>Values not yet read.</summary>
    public readonly long Remaining => _remaining;

    /// <summary>Once every value is read, where the encoded values end (DELTA_LENGTH_BYTE_ARRAY's bytes follow).</summary>
    public readonly int Position => _position;

    /// <summary>The next value.</summary>
    public long Next()
    {
        if (_remaining == 0)
        {
            throw Corrupt("more values were asked of it than its header holds");
        }
        _remaining--;
        if (!_started)
        {
            _started = true;
            return _last;
        }
        if (_left == 0)
        {
            NextMiniblock();
        }
        _left--;
        if (!ParquetBits.TryReadBits(_buffer.AsSpan(0, _end), ref _bit, _bitWidth, out var delta))
        {
            throw Corrupt("its miniblocks end early");
        }
        _last = unchecked(_last + _minDelta + (long)delta);
        return _last;
    }

    private void NextMiniblock()
    {
        if (_miniblock == _miniblocks)
        {
            _minDelta = ParquetBits.ZigZag(Varint());
            if (_miniblocks > _end - _position)
            {
                throw Corrupt("its bit widths end early");
            }
            _widths = _position;
            _position += _miniblocks;
            _miniblock = 0;
        }
        _bitWidth = _buffer[_widths + _miniblock++];
        if (_bitWidth > 64)
        {
            throw Corrupt($"a bit width of {_bitWidth}");
        }
        // A miniblock is always whole (the last one padded), so the next starts a full miniblock later; the bits are
        // checked as they are read, since a writer may leave the padding of the very last miniblock out.
        _bit = (long)_position * 8;
        _position = (int)Math.Min(_end, _position + (long)_valuesPerMiniblock * _bitWidth / 8);
        _left = _valuesPerMiniblock;
    }

    private ulong Varint() => ParquetBits.ReadVarint(_buffer.AsSpan(0, _end), ref _position, "corrupt DELTA_BINARY_PACKED values");

    private static UnreadableObjectException Corrupt(string what) => new($"corrupt DELTA_BINARY_PACKED values: {what}");
}
