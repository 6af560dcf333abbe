namespace Robotics.Safety.Audit;

/// <summary>
/// A bounded single-producer (the control loop) single-consumer (the drain) ring of audit events.
/// Enqueue never blocks or allocates: when the ring is full the event is counted as dropped.
/// </summary>
internal sealed class SafetyEventQueue
{
    private readonly SafetyEvent[] _items;
    private readonly int _mask;
    private long _head; // next slot the producer writes
    private long _tail; // next slot the consumer reads
    private long _dropped;

    public SafetyEventQueue(int capacity)
    {
        _items = new SafetyEvent[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity)];
        _mask = _items.Length - 1;
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Real-time, producer side.</summary>
    public void Enqueue(in SafetyEvent e)
    {
        long head = _head;
        if (head - Volatile.Read(ref _tail) >= _items.Length) { Interlocked.Increment(ref _dropped); return; }
        _items[head & _mask] = e;
        Volatile.Write(ref _head, head + 1);
    }

    /// <summary>Consumer side (one thread at a time).</summary>
    public bool TryDequeue(out SafetyEvent e)
    {
        long tail = _tail;
        if (tail >= Volatile.Read(ref _head)) { e = default; return false; }
        e = _items[tail & _mask];
        Volatile.Write(ref _tail, tail + 1);
        return true;
    }
}
