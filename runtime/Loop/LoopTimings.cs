namespace Robotics.Runtime.Loop;

/// <summary>
/// Per-episode timing samples (plan time, tick time, measured period), written by index and summarised
/// after the episode. Allocated once for the longest episode.
/// </summary>
public sealed class LoopTimings
{
    private readonly double[] _planMs, _periodMs, _delayMs, _scratch;
    private double _tickMsMax;

    public LoopTimings(int capacity)
    {
        _planMs = new double[capacity];
        _periodMs = new double[capacity];
        _delayMs = new double[capacity];
        _scratch = new double[capacity];
    }

    public int Count { get; private set; }
    public int Overruns { get; private set; }
    private int _periods, _delays;

    public void Clear() { Count = 0; Overruns = 0; _periods = 0; _delays = 0; _tickMsMax = 0; }

    /// <summary>Hot path. Time from a state's arrival to the command answering it leaving the loop.</summary>
    public void AddDelay(double stateToCommandMs)
    {
        if (_delays < _delayMs.Length) _delayMs[_delays++] = stateToCommandMs;
    }

    /// <summary>Hot path. One tick: plan time, whole tick time, the period it was due in, and the time since the previous tick (or NaN).</summary>
    public void Add(double planMs, double tickMs, double periodMs, double sincePreviousMs)
    {
        if (Count < _planMs.Length) _planMs[Count++] = planMs;
        if (!double.IsNaN(sincePreviousMs) && _periods < _periodMs.Length) _periodMs[_periods++] = sincePreviousMs;
        if (tickMs > periodMs) Overruns++;
        if (tickMs > _tickMsMax) _tickMsMax = tickMs;
    }

    /// <summary>Not real-time (sorts a scratch copy; allocates nothing).</summary>
    public TimingSummary Summarise() => new(
        Percentile(_planMs, Count, 0.5), Percentile(_planMs, Count, 0.99),
        Percentile(_periodMs, _periods, 0.5), _tickMsMax, Overruns, Count,
        Percentile(_delayMs, _delays, 0.5), Percentile(_delayMs, _delays, 0.99));

    private double Percentile(double[] src, int n, double q)
    {
        if (n == 0) return double.NaN;
        Array.Copy(src, _scratch, n);
        Array.Sort(_scratch, 0, n);
        double pos = q * (n - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, n - 1);
        return _scratch[lo] + (pos - lo) * (_scratch[hi] - _scratch[lo]);
    }
}

/// <summary>
/// An episode's loop timings in milliseconds; Overruns counts ticks whose work exceeded the control period (the
/// deadline); Delay is state arrival -> command written, on the runtime's clock.
/// </summary>
public readonly record struct TimingSummary(double PlanMsMedian, double PlanMsP99, double PeriodMsMedian, double TickMsMax, int Overruns, int Ticks,
                                            double DelayMsMedian = double.NaN, double DelayMsP99 = double.NaN);
