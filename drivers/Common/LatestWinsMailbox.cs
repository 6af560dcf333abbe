using System.Diagnostics.CodeAnalysis;

namespace Robotics.Drivers.Common;

/// <summary>
/// Hands the newest value from one producer thread (the control loop's Write) to one consumer thread (a
/// sender or writer), latest wins: a value the consumer has not taken yet is replaced by the next one.
/// <para>
/// A triple buffer. The producer fills its own slot (<see cref="ProducerSlot"/>) and publishes it with one
/// <see cref="Interlocked.Exchange(ref int, int)"/> of a packed slot index + fresh bit into the middle,
/// getting the old middle slot back as its next one to fill. The consumer takes the middle slot the same
/// way when it is fresh, handing back the slot it finished with. Neither side ever waits for the other,
/// spins or retries, and nothing is allocated after construction.
/// </para>
/// <para>
/// Wake-up goes through a <see cref="ManualResetEventSlim"/> that <see cref="Publish"/> sets after
/// publishing. Setting it never waits for the consumer's work: when the consumer is not parked it is an
/// interlocked update of the event's state; only when the consumer is parked in <see cref="Wait"/> does
/// <c>Set</c> briefly take the event's internal lock to pulse it (held for the pulse, never across the
/// consumer's work). The consumer resets the event, looks again, and only then waits, so a publish racing
/// the wait is never lost. It waits without a <see cref="CancellationToken"/> (registering one would
/// allocate); whoever stops the consumer cancels its own token and then calls <see cref="Wake"/>.
/// </para>
/// <para>
/// Exactly one producer thread and one consumer thread at a time (a role may move to another thread only
/// with a happens-before hand-over, e.g. a Join, an await or starting a thread).
/// </para>
/// </summary>
public sealed class LatestWinsMailbox<T> where T : class
{
    private const int IndexMask = 0b011, Fresh = 0b100;

    private readonly T[] _slots;
    private int _producer;     // index the producer fills; producer thread only
    private int _middle = 1;   // index | Fresh; the only field both sides touch, always by Interlocked.Exchange
    private int _consumer = 2; // index the consumer last took; consumer thread only
    // Its WaitHandle is never touched, so it never owns a kernel handle and needs no Dispose (not disposing
    // also spares a late consumer an ObjectDisposedException after a timed-out Join).
    private readonly ManualResetEventSlim _signal = new(false);

    /// <summary>Not real-time. Creates the three slots (each must be a distinct instance).</summary>
    public LatestWinsMailbox(Func<T> createSlot)
    {
        ArgumentNullException.ThrowIfNull(createSlot);
        _slots = [createSlot(), createSlot(), createSlot()];
        if (ReferenceEquals(_slots[0], _slots[1]) || ReferenceEquals(_slots[1], _slots[2]) || ReferenceEquals(_slots[0], _slots[2]))
            throw new ArgumentException("latest-wins mailbox: createSlot must return a new instance each call", nameof(createSlot));
    }

    /// <summary>Producer only. The slot to fill before <see cref="Publish"/>; a different one after each publish.</summary>
    public T ProducerSlot => _slots[_producer];

    /// <summary>
    /// Real-time, non-blocking, allocation-free; producer only. Makes the filled <see cref="ProducerSlot"/>
    /// the newest value (replacing one not taken yet) and wakes the consumer.
    /// </summary>
    public void Publish()
    {
        // Full fence: the slot's contents are visible before its index is.
        _producer = Interlocked.Exchange(ref _middle, _producer | Fresh) & IndexMask;
        _signal.Set();
    }

    /// <summary>True when a value was published that the consumer has not taken. Either side.</summary>
    public bool HasFresh => (Volatile.Read(ref _middle) & Fresh) != 0;

    /// <summary>
    /// Real-time, non-blocking, allocation-free; consumer only. Takes the newest value when there is one
    /// the consumer has not taken. The value is the consumer's to read until its next successful take.
    /// </summary>
    public bool TryTake([MaybeNullWhen(false)] out T value)
    {
        // Only the consumer clears Fresh, so a fresh middle stays fresh until this exchange.
        if (!HasFresh)
        {
            value = null;
            return false;
        }
        _consumer = Interlocked.Exchange(ref _middle, _consumer) & IndexMask;
        value = _slots[_consumer];
        return true;
    }

    /// <summary>
    /// Consumer only; blocks (allocation-free). Returns at once when a value is fresh, else parks until a
    /// publish, <see cref="Wake"/> or <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>
    /// for none). True when a fresh value is waiting. False can also come early and without a value: a
    /// publish's wake-up may land after the consumer already took that value and re-armed, so callers loop
    /// (take, else wait again) rather than treat false as a timeout.
    /// </summary>
    public bool Wait(TimeSpan timeout) => Wait(timeout, static _ => false, 0);

    /// <summary>
    /// As <see cref="Wait(TimeSpan)"/>, also returning at once, and true, while
    /// <paramref name="hasOtherWork"/> says so: for a consumer that serves another queue whose producer
    /// calls <see cref="Wake"/> after enqueuing. Pass a static lambda so nothing is allocated.
    /// </summary>
    public bool Wait<TState>(TimeSpan timeout, Func<TState, bool> hasOtherWork, TState state)
    {
        if (HasFresh || hasOtherWork(state)) return true;
        _signal.Reset(); // interlocked: the checks below cannot move above it
        // Work that arrived between the first check and the Reset had its Set erased: look again.
        if (HasFresh || hasOtherWork(state)) return true;
        if (timeout != Timeout.InfiniteTimeSpan && timeout < TimeSpan.Zero) timeout = TimeSpan.Zero;
        else if (timeout.TotalMilliseconds > int.MaxValue) timeout = Timeout.InfiniteTimeSpan;
        _signal.Wait(timeout);
        return HasFresh || hasOtherWork(state);
    }

    /// <summary>
    /// Non-blocking; any thread. Wakes a parked consumer without a value: after enqueuing other work, or
    /// after cancelling the consumer's token so it sees the cancellation.
    /// </summary>
    public void Wake() => _signal.Set();
}
