using Robotics.Core.Robots;

namespace Robotics.Drivers.Common;

/// <summary>
/// The newest valid state of a robot, handed from a driver's receive thread to the control loop.
/// Latest wins: a state the loop did not read before the next arrived is simply replaced.
/// The loop's read never takes a lock: the buffer is guarded by a sequence lock (the version is odd while
/// a publish is copying; a reader that saw it change copies again), so a receive thread in the middle
/// of a publish can never block the control loop. Publishers are serialised among themselves only.
/// </summary>
internal sealed class LatestState
{
    private readonly Lock _publish = new();   // publisher vs publisher (and the waiters' signal), never the loop
    private readonly StateBuffer _latest;
    private long _version;                    // odd while a publish is writing _latest
    private long _seq = long.MinValue;
    private TaskCompletionSource _arrived = NewSignal();

    public LatestState(int obsDim) => _latest = new StateBuffer(obsDim);

    public int ObsDim => _latest.Obs.Length;

    /// <summary>Sequence number of the newest state, or long.MinValue before the first.</summary>
    public long Seq => Interlocked.Read(ref _seq);

    /// <summary>Receive thread: stores a validated state (already stamped with its receive time) and wakes waiters.</summary>
    public void Publish(StateBuffer validated)
    {
        TaskCompletionSource signal;
        lock (_publish)
        {
            Volatile.Write(ref _version, _version + 1);
            Interlocked.MemoryBarrier(); // the copy's stores must not move above the odd version
            validated.CopyTo(_latest);
            Volatile.Write(ref _version, _version + 1);
            Interlocked.Exchange(ref _seq, validated.Seq);
            signal = _arrived;
            _arrived = NewSignal();
        }
        signal.TrySetResult();
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
            Task arrived;
            lock (_publish)
            {
                if (Interlocked.Read(ref _seq) > afterSeq) return true;
                arrived = _arrived.Task;
            }
            long left = deadline - time.GetTimestamp();
            if (left <= 0) return false;
            try
            {
                await arrived.WaitAsync(TimeSpan.FromSeconds((double)left / time.TimestampFrequency), time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return Seq > afterSeq;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
