namespace Robotics.Core.Robots;

/// <summary>
/// The newest state of a robot, handed from whoever produces states (a driver's receive thread, a simulator's
/// Write) to the control loop. Latest wins: a state the loop did not read before the next arrived is replaced.
/// <para>
/// Nothing here blocks and nothing allocates per state. The buffer is guarded by a sequence lock: the version
/// is odd while a publish is copying and a reader that saw it change copies again, so a publisher in the
/// middle of a copy never blocks the loop. Publishers claim the odd version with a compare-and-swap, so two
/// publishers never interleave (an uncontended single publisher pays one CAS). Waiters are woken through a
/// signal made only while someone waits.
/// </para>
/// <para>
/// Each published state is stamped with the count of states received so far and their reward sum
/// (<see cref="StateBuffer.Received"/>, <see cref="StateBuffer.RewardSum"/>), so a loop that missed a state still
/// counts the robot's step and its reward.
/// </para>
/// </summary>
public sealed class LatestState
{
    private readonly StateBuffer _latest;
    private long _version;                    // odd while a publish is writing _latest
    private long _seq = long.MinValue;
    private long _received;                   // written only inside the publish section
    private double _rewardSum;
    private TaskCompletionSource? _waiter;    // set only while someone waits; taken and completed by the next publish

    public LatestState(int obsDim) => _latest = new StateBuffer(obsDim);

    public int ObsDim => _latest.Obs.Length;

    /// <summary>Sequence number of the newest state, or long.MinValue before the first.</summary>
    public long Seq => Interlocked.Read(ref _seq);

    /// <summary>
    /// Real-time, allocation-free. Stores a state (already stamped with its receive time) and wakes waiters.
    /// Safe from several threads; they take turns only with each other, never with readers.
    /// </summary>
    public void Publish(StateBuffer state)
    {
        long v;
        var spin = new SpinWait();
        while (true)
        {
            v = Volatile.Read(ref _version);
            if ((v & 1) == 0 && Interlocked.CompareExchange(ref _version, v + 1, v) == v) break; // full fence: the copy stays below
            spin.SpinOnce(sleep1Threshold: -1);
        }
        state.CopyTo(_latest);
        _latest.Received = ++_received;
        _latest.RewardSum = _rewardSum += state.Reward;
        Volatile.Write(ref _version, v + 2);
        Interlocked.Exchange(ref _seq, state.Seq);
        Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
    }

    /// <summary>
    /// Real-time, allocation-free, lock-free. Copies the newest state when it is newer than
    /// <paramref name="afterSeq"/>; retries the copy (a few floats) only if a publish overlapped it.
    /// </summary>
    public bool TryRead(StateBuffer dst, long afterSeq)
    {
        var spin = new SpinWait();
        while (true)
        {
            if (Interlocked.Read(ref _seq) <= afterSeq) return false;
            long before = Volatile.Read(ref _version);
            if ((before & 1) == 0)
            {
                _latest.CopyTo(dst);
                Interlocked.MemoryBarrier(); // the copy's loads must not move below the second version read
                if (Volatile.Read(ref _version) == before) return dst.Seq > afterSeq;
            }
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Not real-time. Waits for a state newer than <paramref name="afterSeq"/>; false on timeout.</summary>
    public async ValueTask<bool> WaitAsync(long afterSeq, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        long deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            if (Seq > afterSeq) return true;
            TaskCompletionSource? waiter = Volatile.Read(ref _waiter);
            if (waiter is null)
            {
                var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiter = Interlocked.CompareExchange(ref _waiter, mine, null) ?? mine;
            }
            // A publish between the first check and the registration took no waiter: look again.
            if (Seq > afterSeq) return true;
            long left = deadline - time.GetTimestamp();
            if (left <= 0) return false;
            try
            {
                await waiter.Task.WaitAsync(TimeSpan.FromSeconds((double)left / time.TimestampFrequency), time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return Seq > afterSeq;
            }
        }
    }

    /// <summary>Wakes every waiter without a new state (shutdown); they see no newer state and return.</summary>
    public void WakeWaiters() => Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
}
