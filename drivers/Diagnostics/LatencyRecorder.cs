namespace Robotics.Drivers.Diagnostics;

/// <summary>
/// Latency samples (in TimeProvider ticks) in a buffer allocated once; percentiles on demand.
/// Record is allocation-free and thread-safe; keeps the first <c>capacity</c> samples.
/// </summary>
public sealed class LatencyRecorder(int capacity, long timestampFrequency)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _ticks.Length);

    /// <summary>Forgets all samples (e.g. after a warm-up). Not thread-safe against concurrent Record.</summary>
    public void Clear() => Volatile.Write(ref _count, 0);

    /// <summary>Hot path, allocation-free.</summary>
    public void Record(long ticks)
    {
        int i = Interlocked.Increment(ref _count) - 1;
        if (i < _ticks.Length) _ticks[i] = ticks;
    }

    /// <summary>Not real-time (sorts a copy). Milliseconds at percentile <paramref name="p"/> in [0, 100]; NaN when empty.</summary>
    public double PercentileMs(double p)
    {
        int n = Count;
        if (n == 0) return double.NaN;
        var sorted = _ticks.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        int k = (int)Math.Clamp(Math.Ceiling(p / 100.0 * n) - 1, 0, n - 1);
        return sorted[k] * 1000.0 / timestampFrequency;
    }

    public LatencySummary Summarize() => new(Count, PercentileMs(50), PercentileMs(99), PercentileMs(100));
}

/// <summary>Median, p99 and max of a set of latencies, in milliseconds.</summary>
public readonly record struct LatencySummary(int Samples, double MedianMs, double P99Ms, double MaxMs)
{
    public override string ToString() => $"n={Samples} median {MedianMs:F3} ms, p99 {P99Ms:F3} ms, max {MaxMs:F3} ms";
}
