namespace Robotics.Core.Robots;

/// <summary>Where a latch stands: running, stopped, or on one of the two steps of a reset.</summary>
public enum EStopStage
{
    Released,
    Engaged,
    /// <summary>Step 1 of 2 done (an operator asked for release); still stopped.</summary>
    ReleaseRequested,
    /// <summary>Step 2 of 2 done (re-armed); the gate releases on the next state that arrived after the re-arm.</summary>
    ReArmed,
}

/// <summary>
/// The emergency stop, shared by everything that can engage it (MQTT topic, serial frame, CLI, API, the
/// robot's status) and read by the safety gate. Engaging latches. Release is a deliberate act in two steps,
/// as on a machine (ISO 13850): <see cref="RequestRelease"/>, then <see cref="ReArm"/> within
/// <see cref="ReleaseWindow"/> of the request (a request expires), and then the gate completes it on a state
/// that arrived after the re-arm (<see cref="TryCompleteRelease"/>); nothing releases on its own. With a
/// persistence file the latch survives a restart: <see cref="Engage"/> writes the file, a successful
/// <see cref="ReArm"/> deletes it, and a latch constructed while the file exists starts engaged.
/// Thread-safe, lock-free reads so the control loop can check it every tick.
/// </summary>
public sealed class EStopLatch
{
    /// <summary>How long a release request stays valid for the re-arm step, unless configured.</summary>
    public static readonly TimeSpan DefaultReleaseWindow = TimeSpan.FromSeconds(30);

    private const int StageNone = 0, StageRequested = 1, StageReArmed = 2;
    private readonly long _windowTicks;
    private readonly string? _file;
    private volatile int _engaged;
    private volatile int _stage;
    private string _reason = "";
    private long _requestTimestamp, _rearmTimestamp;
    // Incremented by every Engage; a release step only applies to the engagement it was made for, so an
    // Engage racing with a release can never be swallowed.
    private long _epoch;
    private long _releaseEpoch;

    /// <param name="time">Only its timestamp frequency is used (timestamps are passed in); default the system clock.</param>
    /// <param name="releaseWindow">How long a release request waits for the re-arm; default <see cref="DefaultReleaseWindow"/>.</param>
    /// <param name="persistFile">Optional file that holds the latch across restarts (the robot's non-volatile memory).</param>
    public EStopLatch(TimeProvider? time = null, TimeSpan? releaseWindow = null, string? persistFile = null)
    {
        TimeSpan window = releaseWindow ?? DefaultReleaseWindow;
        if (window <= TimeSpan.Zero) throw new ArgumentException($"e-stop: release window must be positive, got {window}");
        ReleaseWindow = window;
        _windowTicks = (long)(window.TotalSeconds * (time ?? TimeProvider.System).TimestampFrequency);
        _file = persistFile;
        if (_file is not null && File.Exists(_file))
        {
            string saved = File.ReadAllText(_file).Trim();
            _reason = "latched before restart" + (saved.Length > 0 ? ": " + saved : "");
            _engaged = 1;
            _epoch = 1;
        }
    }

    public bool IsEngaged => _engaged != 0;
    public string Reason => Volatile.Read(ref _reason);
    public TimeSpan ReleaseWindow { get; }
    /// <summary>The persistence file, when the latch has one.</summary>
    public string? PersistFile => _file;

    public EStopStage Stage => _engaged == 0 ? EStopStage.Released
        : _stage switch { StageRequested => EStopStage.ReleaseRequested, StageReArmed => EStopStage.ReArmed, _ => EStopStage.Engaged };

    /// <summary>Raised (off the control loop) when the latch is engaged; the argument is the reason.</summary>
    public event Action<string>? Engaged;

    /// <summary>Not real-time (writes the persistence file). Engages the stop and latches it; cancels any reset in progress.</summary>
    public void Engage(string reason)
    {
        // The reason is what stopped the robot: a later report of the same stop (the robot's own status) keeps it.
        if (_engaged == 0) Volatile.Write(ref _reason, reason);
        Interlocked.Increment(ref _epoch);
        _stage = StageNone;
        if (_file is not null) WriteFile(_file, Reason);
        if (Interlocked.Exchange(ref _engaged, 1) == 0) Engaged?.Invoke(reason);
    }

    /// <summary>Not real-time. Step 1 of the reset: an operator asks for release at <paramref name="timestamp"/> (TimeProvider ticks). Still stopped.</summary>
    public void RequestRelease(long timestamp)
    {
        Interlocked.Exchange(ref _requestTimestamp, timestamp);
        Interlocked.Exchange(ref _releaseEpoch, Interlocked.Read(ref _epoch));
        _stage = StageRequested;
    }

    /// <summary>
    /// Not real-time. Step 2 of the reset. True when a release was requested for the current engagement no
    /// longer than <see cref="ReleaseWindow"/> before <paramref name="timestamp"/>; then the persistence file
    /// is deleted and the gate may complete the release. An expired request is dropped (start again at step 1).
    /// </summary>
    public bool ReArm(long timestamp)
    {
        if (_engaged == 0) return true;
        if (_stage != StageRequested || Interlocked.Read(ref _releaseEpoch) != Interlocked.Read(ref _epoch)) return false;
        long requested = Interlocked.Read(ref _requestTimestamp);
        if (timestamp < requested || timestamp - requested > _windowTicks)
        {
            _stage = StageNone;
            return false;
        }
        Interlocked.Exchange(ref _rearmTimestamp, timestamp);
        _stage = StageReArmed;
        if (_file is not null) File.Delete(_file);
        // An Engage that slipped in meanwhile wins (and wrote the file again after our delete, or will).
        if (Interlocked.Read(ref _releaseEpoch) != Interlocked.Read(ref _epoch)) { _stage = StageNone; return false; }
        return true;
    }

    /// <summary>True when a release was requested (step 1 or 2 done); the timestamp (TimeProvider ticks) of the request.</summary>
    public bool TryGetReleaseRequest(out long timestamp)
    {
        bool requested = _stage != StageNone && _engaged != 0;
        timestamp = Interlocked.Read(ref _requestTimestamp);
        return requested;
    }

    /// <summary>
    /// Real-time, allocation-free. Clears the latch when it was re-armed for the current engagement and
    /// <paramref name="stateTimestamp"/> (when the state arrived) is strictly newer than the re-arm.
    /// Returns true when the latch is now released.
    /// </summary>
    public bool TryCompleteRelease(long stateTimestamp)
    {
        if (_engaged == 0) return true;
        if (_stage != StageReArmed) return false;
        if (stateTimestamp <= Interlocked.Read(ref _rearmTimestamp)) return false;
        long epoch = Interlocked.Read(ref _releaseEpoch);
        if (Interlocked.Read(ref _epoch) != epoch) return false;
        Interlocked.Exchange(ref _engaged, 0);
        // An Engage that slipped in between the check and the clear re-latches.
        if (Interlocked.Read(ref _epoch) != epoch) { _engaged = 1; return false; }
        _stage = StageNone;
        return true;
    }

    /// <summary>
    /// Not real-time. Clears the latch unconditionally: a local release on the robot itself (a key switch).
    /// Remote releases go through <see cref="RequestRelease"/> and <see cref="ReArm"/>.
    /// </summary>
    public void CompleteRelease()
    {
        _stage = StageNone;
        _engaged = 0;
        if (_file is not null) File.Delete(_file);
    }

    private static void WriteFile(string path, string reason)
    {
        string tmp = path + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(reason);
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }
}
