namespace Robotics.Core.Robots;

/// <summary>
/// The emergency stop, shared by everything that can engage it (MQTT topic, serial frame, CLI, API) and
/// read by the safety gate. Engaging latches; only an explicit release clears it. Thread-safe, lock-free
/// reads so the control loop can check it every tick.
/// </summary>
public sealed class EStopLatch
{
    private volatile int _engaged;
    private volatile int _releaseRequested;
    private string _reason = "";
    private long _releaseRequestTimestamp;

    public bool IsEngaged => _engaged != 0;
    public string Reason => Volatile.Read(ref _reason);

    /// <summary>Raised (off the control loop) when the latch is engaged; the argument is the reason.</summary>
    public event Action<string>? Engaged;

    /// <summary>Not real-time. Engages the stop and latches it.</summary>
    public void Engage(string reason)
    {
        Volatile.Write(ref _reason, reason);
        _releaseRequested = 0;
        if (Interlocked.Exchange(ref _engaged, 1) == 0) Engaged?.Invoke(reason);
    }

    /// <summary>
    /// Not real-time. Asks for release; the gate completes it (<see cref="CompleteRelease"/>) only once a
    /// state newer than the request has arrived.
    /// </summary>
    public void RequestRelease(long timestamp)
    {
        Interlocked.Exchange(ref _releaseRequestTimestamp, timestamp);
        _releaseRequested = 1;
    }

    /// <summary>True when a release was requested; the timestamp (TimeProvider ticks) of the request.</summary>
    public bool TryGetReleaseRequest(out long timestamp)
    {
        timestamp = Interlocked.Read(ref _releaseRequestTimestamp);
        return _releaseRequested != 0;
    }

    /// <summary>Real-time. Clears the latch after the gate has seen a fresh state following a release request.</summary>
    public void CompleteRelease()
    {
        _releaseRequested = 0;
        _engaged = 0;
    }
}
