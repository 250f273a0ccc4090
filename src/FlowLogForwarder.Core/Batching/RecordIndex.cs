using System.Buffers;

namespace FlowLogForwarder.Batching;

/// <summary>
/// Where each record of a batch ends in its JSON array and which line it came from, so a refused batch can be split
/// into smaller requests and a record refused alone reported by line. Arrays are pooled and grow by doubling.
/// </summary>
internal sealed class RecordIndex : IDisposable
{
    private const int InitialCapacity = 1024;

    private int[] _ends = ArrayPool<int>.Shared.Rent(InitialCapacity);
    private long[] _lines = ArrayPool<long>.Shared.Rent(InitialCapacity);
    private bool _disposed;

    /// <summary>Records indexed.</summary>
    public int Count { get; private set; }

    /// <summary>Offset just past record <paramref name="record"/>'s JSON object.</summary>
    public int End(int record) => _ends[record];

    /// <summary>Line number of record <paramref name="record"/>.</summary>
    public long Line(int record) => _lines[record];

    /// <summary>Appends one record's end offset and line.</summary>
    public void Add(int end, long line)
    {
        if (Count == _ends.Length)
        {
            Grow();
        }
        _ends[Count] = end;
        _lines[Count] = line;
        Count++;
    }

    /// <summary>Forgets every record, keeping the arrays.</summary>
    public void Clear() => Count = 0;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        ArrayPool<int>.Shared.Return(_ends);
        ArrayPool<long>.Shared.Return(_lines);
    }

    private void Grow()
    {
        var ends = ArrayPool<int>.Shared.Rent(_ends.Length * 2);
        var lines = ArrayPool<long>.Shared.Rent(_lines.Length * 2);
        _ends.AsSpan(0, Count).CopyTo(ends);
        _lines.AsSpan(0, Count).CopyTo(lines);
        ArrayPool<int>.Shared.Return(_ends);
        ArrayPool<long>.Shared.Return(_lines);
        _ends = ends;
        _lines = lines;
    }
}
