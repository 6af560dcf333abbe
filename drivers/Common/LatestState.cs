using Robotics.Core.Robots;

namespace Robotics.Drivers.Common;

/// <summary>
/// The newest valid state of a robot, handed from a driver's receive thread to the control loop.
/// One writer (the receive thread), any number of readers. Latest wins: a state the loop did not read
/// before the next arrived is simply replaced.
/// </summary>
internal sealed class LatestState
{
    private readonly object _gate = new();
    private readonly StateBuffer _latest;
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
        lock (_gate)
        {
            validated.CopyTo(_latest);
            Interlocked.Exchange(ref _seq, validated.Seq);
            signal = _arrived;
            _arrived = NewSignal();
        }
        signal.TrySetResult();
    }

    /// <summary>
    /// Real-time, allocation-free. Copies the newest state when it is newer than <paramref name="afterSeq"/>.
    /// The lock is held only for a copy of a few floats, never across I/O.
    /// </summary>
    public bool TryRead(StateBuffer dst, long afterSeq)
    {
        if (Interlocked.Read(ref _seq) <= afterSeq) return false;
        lock (_gate)
        {
            if (_seq <= afterSeq) return false;
            _latest.CopyTo(dst);
            return true;
        }
    }

    /// <summary>Not real-time. Waits for a state newer than <paramref name="afterSeq"/>; false on timeout.</summary>
    public async ValueTask<bool> WaitAsync(long afterSeq, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        long deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_seq > afterSeq) return true;
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
