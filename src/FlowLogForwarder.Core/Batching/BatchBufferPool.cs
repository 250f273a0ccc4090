namespace FlowLogForwarder.Batching;

/// <summary>
/// Reuses the fixed-size arrays batches are built in. Unlike the shared ArrayPool, whose per-thread caches strand
/// large arrays on whichever thread-pool thread finished a send, it keeps at most <see cref="Capacity"/> arrays,
/// so a long-running process holds a known amount: Capacity × BufferBytes.
/// </summary>
public sealed class BatchBufferPool(int bufferBytes, int capacity)
{
    private readonly Stack<byte[]> _free = new();
    private readonly Lock _gate = new();

    /// <summary>The size of every array: the batch byte budget.</summary>
    public int BufferBytes { get; } = bufferBytes;

    /// <summary>Most arrays kept for reuse.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>An array of exactly <see cref="BufferBytes"/> bytes.</summary>
    public byte[] Rent()
    {
        lock (_gate)
        {
            if (_free.TryPop(out var buffer))
            {
                return buffer;
            }
        }
        return GC.AllocateUninitializedArray<byte>(BufferBytes);
    }

    /// <summary>Takes an array back; beyond capacity it is left to the GC.</summary>
    public void Return(byte[] buffer)
    {
        if (buffer.Length != BufferBytes)
        {
            return;
        }
        lock (_gate)
        {
            if (_free.Count < Capacity)
            {
                _free.Push(buffer);
            }
        }
    }
}
