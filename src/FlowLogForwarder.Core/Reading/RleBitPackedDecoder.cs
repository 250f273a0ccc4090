namespace FlowLogForwarder.Reading;

/// <summary>
/// Parquet's RLE/bit-packed hybrid encoding, read one value at a time: definition levels and dictionary indexes.
/// A run header says either "the next value, repeated n times" or "n groups of 8 values of bitWidth bits, LSB first".
/// Every read is bounded by the region it was given; reading past it fails as corrupt data.
/// </summary>
internal struct RleBitPackedDecoder
{
    private readonly byte[] _buffer;
    private readonly int _end;
    private readonly int _bitWidth;
    private int _position;   // the next run header
    private int _left;       // values left in the current run
    private bool _packed;
    private int _value;      // the repeated value of an RLE run
    private long _bit;       // the next bit of a bit-packed run, from the start of _buffer

    /// <summary>Reads the values in <paramref name="buffer"/> from <paramref name="start"/> to <paramref name="end"/>, each <paramref name="bitWidth"/> bits.</summary>
    public RleBitPackedDecoder(byte[] buffer, int start, int end, int bitWidth)
    {
        if (bitWidth is < 0 or > 32)
        {
            throw new UnreadableObjectException($"corrupt page: a bit width of {bitWidth}");
        }
        _buffer = buffer;
        _position = start;
        _end = end;
        _bitWidth = bitWidth;
    }

    /// <summary>The next value.</summary>
    public int Next()
    {
        while (_left == 0)
        {
            ReadRun(); // a run of 0 values is skipped; each header takes a byte, so this ends at the region's end
        }
        _left--;
        if (!_packed)
        {
            return _value;
        }
        // ReadRun checked that the run's bytes lie within the region.
        ParquetBits.TryReadBits(_buffer.AsSpan(0, _end), ref _bit, _bitWidth, out var value);
        return (int)value;
    }

    private void ReadRun()
    {
        var varint = ParquetBits.ReadVarint(_buffer.AsSpan(0, _end), ref _position, "corrupt page: a run header of its levels or indexes");
        if (varint >> 35 != 0)
        {
            throw new UnreadableObjectException("corrupt page: a run header of its levels or indexes longer than 5 bytes");
        }
        var header = (long)varint;
        var count = header >> 1;
        if ((header & 1) == 0)
        {
            var bytes = (_bitWidth + 7) / 8;
            if (bytes > _end - _position)
            {
                throw new UnreadableObjectException("corrupt page: its levels or indexes end early");
            }
            _value = 0;
            for (var i = 0; i < bytes; i++)
            {
                _value |= _buffer[_position++] << (8 * i);
            }
            _packed = false;
            _left = (int)Math.Min(count, int.MaxValue);
            return;
        }
        var packedBytes = count * _bitWidth; // count groups of 8 values take count * bitWidth bytes
        if (packedBytes > _end - _position)
        {
            throw new UnreadableObjectException("corrupt page: a bit-packed run past the end of its page");
        }
        _packed = true;
        _bit = (long)_position * 8;
        _position += (int)packedBytes;
        _left = (int)Math.Min(count * 8, int.MaxValue);
    }
}
