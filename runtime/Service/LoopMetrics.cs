using Robotics.Core.Robots;
using Robotics.Runtime.Loop;

namespace Robotics.Runtime.Service;

/// <summary>
/// The loop as the service sees it: counters and histograms the loop's thread writes through
/// <see cref="ILoopMonitor"/> (each an <see cref="Interlocked"/> bump of a field allocated here once, so 0 B per
/// tick and no lock) and the scrape, health and watchdog threads read. Also keeps the last
/// <see cref="RecentCapacity"/> observations the loop answered, for a hot reload to try a new model on.
/// </summary>
public sealed class LoopMetrics : ILoopMonitor
{
    public const int RecentCapacity = 64;
    private readonly long[] _decisions = new long[5];
    private long _ticks, _answered, _missed, _overruns, _deadlineSafe, _staleSafe;
    private long _lastTick, _lastAnswered;
    // Recent observations: a ring written by the loop; slot i's version is the answer count that wrote it.
    private float[] _recent = [];
    private long[] _recentVersion = [];
    private int _obsDim;

    public LoopMetrics(TimeProvider time)
    {
        Time = time;
        PlanSeconds = new Histogram(Histogram.LoopBuckets(), time.TimestampFrequency);
        PeriodSeconds = new Histogram(Histogram.LoopBuckets(), time.TimestampFrequency);
    }

    public TimeProvider Time { get; }
    /// <summary>Controller time per answered state.</summary>
    public Histogram PlanSeconds { get; }
    /// <summary>Time between two answered states' ticks (the measured control period).</summary>
    public Histogram PeriodSeconds { get; }

    /// <summary>Calls of the loop's tick (with or without a new state).</summary>
    public long Ticks => Interlocked.Read(ref _ticks);
    public long StatesAnswered => Interlocked.Read(ref _answered);
    /// <summary>Robot states the loop never answered (a newer one had arrived by the time it read; latest wins).</summary>
    public long StatesMissed => Interlocked.Read(ref _missed);
    /// <summary>Ticks whose work took longer than the control period.</summary>
    public long Overruns => Interlocked.Read(ref _overruns);
    /// <summary>Plans past the loop's plan deadline, answered with the safe action instead.</summary>
    public long DeadlineMisses => Interlocked.Read(ref _deadlineSafe);
    /// <summary>Safe actions the loop sent while the robot was silent.</summary>
    public long StaleSafeActions => Interlocked.Read(ref _staleSafe);
    public long Decisions(SafetyDecision d) => Interlocked.Read(ref _decisions[(int)d]);
    /// <summary>Timestamp (<see cref="Time"/>) of the last tick call; 0 before the first.</summary>
    public long LastTick => Interlocked.Read(ref _lastTick);
    /// <summary>Timestamp of the last answered state; 0 before the first.</summary>
    public long LastAnswered => Interlocked.Read(ref _lastAnswered);

    /// <summary>Not real-time. Sizes the ring of recent observations for a robot; call before the loop runs.</summary>
    public void Configure(int obsDim)
    {
        if (obsDim == _obsDim) return;
        _obsDim = obsDim;
        _recent = new float[RecentCapacity * obsDim];
        _recentVersion = new long[RecentCapacity];
    }

    public void TickStarted(long timestamp)
    {
        Interlocked.Increment(ref _ticks);
        Interlocked.Exchange(ref _lastTick, timestamp);
    }

    public void StateAnswered(StateBuffer state, long robotSteps, long planTicks, long tickTicks, long sinceTicks, long periodTicks, SafetyDecision decision)
    {
        long n = Interlocked.Increment(ref _answered);
        if (robotSteps > 1) Interlocked.Add(ref _missed, robotSteps - 1);
        if (tickTicks > periodTicks) Interlocked.Increment(ref _overruns);
        Interlocked.Increment(ref _decisions[(int)decision]);
        PlanSeconds.Observe(planTicks);
        if (sinceTicks > 0) PeriodSeconds.Observe(sinceTicks);
        if (_obsDim == state.Obs.Length)
        {
            int slot = (int)(n % RecentCapacity);
            Volatile.Write(ref _recentVersion[slot], -n);   // being written
            state.Obs.AsSpan().CopyTo(_recent.AsSpan(slot * _obsDim, _obsDim));
            Volatile.Write(ref _recentVersion[slot], n);
        }
        Interlocked.Exchange(ref _lastAnswered, Time.GetTimestamp());
    }

    public void SafeActionSent(bool stale)
    {
        if (stale) Interlocked.Increment(ref _staleSafe);
        else Interlocked.Increment(ref _deadlineSafe);
    }

    /// <summary>Not real-time. Copies of up to <paramref name="max"/> recent observations (whole rows only, newest last).</summary>
    public List<float[]> RecentObservations(int max = RecentCapacity)
    {
        var rows = new List<(long, float[])>();
        for (int slot = 0; slot < _recentVersion.Length; slot++)
        {
            long v = Volatile.Read(ref _recentVersion[slot]);
            if (v <= 0) continue;
            float[] row = _recent.AsSpan(slot * _obsDim, _obsDim).ToArray();
            if (Volatile.Read(ref _recentVersion[slot]) == v) rows.Add((v, row));   // not rewritten while copied
        }
        return rows.OrderBy(r => r.Item1).Select(r => r.Item2).TakeLast(max).ToList();
    }
}
