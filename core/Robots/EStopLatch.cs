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
    // Incremented by every Engage; a release request only applies to the engagement it was made for, so
    // an Engage racing with a release can never be swallowed.
    private long _epoch;
    private long _releaseEpoch;

    public bool IsEngaged => _engaged != 0;
    public string Reason => Volatile.Read(ref _reason);

    /// <summary>Raised (off the control loop) when the latch is engaged; the argument is the reason.</summary>
    public event Action<string>? Engaged;

    /// <summary>Not real-time. Engages the stop and latches it.</summary>
    public void Engage(string reason)
    {
        Volatile.Write(ref _reason, reason);
        Interlocked.Increment(ref _epoch);
        _releaseRequested = 0;
        if (Interlocked.Exchange(ref _engaged, 1) == 0) Engaged?.Invoke(reason);
    }

    /// <summary>
    /// Not real-time. Asks for release; the gate completes it (<see cref="TryCompleteRelease"/>) only once a
    /// state newer than the request has arrived.
    /// </summary>
    public void RequestRelease(long timestamp)
    {
        Interlocked.Exchange(ref _releaseRequestTimestamp, timestamp);
        Interlocked.Exchange(ref _releaseEpoch, Interlocked.Read(ref _epoch));
        _releaseRequested = 1;
    }

    /// <summary>True when a release was requested; the timestamp (TimeProvider ticks) of the request.</summary>
    public bool TryGetReleaseRequest(out long timestamp)
    {
        bool requested = _releaseRequested != 0;
        timestamp = Interlocked.Read(ref _releaseRequestTimestamp);
        return requested;
    }

    /// <summary>
    /// Real-time, allocation-free. Clears the latch when a release was requested for the current engagement
    /// and <paramref name="stateTimestamp"/> (when the state arrived) is strictly newer than the request.
    /// Returns true when the latch is now released.
    /// </summary>
    public bool TryCompleteRelease(long stateTimestamp)
    {
        if (_engaged == 0) return true;
        if (_releaseRequested == 0) return false;
        if (stateTimestamp <= Interlocked.Read(ref _releaseRequestTimestamp)) return false;
        long epoch = Interlocked.Read(ref _releaseEpoch);
        if (Interlocked.Read(ref _epoch) != epoch) return false;
        Interlocked.Exchange(ref _engaged, 0);
        // An Engage that slipped in between the check and the clear re-latches.
        if (Interlocked.Read(ref _epoch) != epoch) { _engaged = 1; return false; }
        _releaseRequested = 0;
        return true;
    }

    /// <summary>
    /// Real-time. Clears the latch unconditionally. Prefer <see cref="TryCompleteRelease"/>, which checks
    /// the request and the state's freshness.
    /// </summary>
    public void CompleteRelease()
    {
        _releaseRequested = 0;
        _engaged = 0;
    }
}
