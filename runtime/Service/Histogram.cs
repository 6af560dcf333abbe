namespace Robotics.Runtime.Service;

/// <summary>
/// A Prometheus histogram with fixed upper bounds in seconds, observed in <see cref="TimeProvider"/> ticks:
/// bucket counts and the sum are longs bumped with <see cref="Interlocked"/>, so the loop's thread observes
/// without a lock or an allocation and a scrape on another thread reads them at any time. Buckets are
/// cumulative only when written out (<see cref="CumulativeCount"/>).
/// </summary>
public sealed class Histogram
{
    private readonly long[] _boundTicks;
    private readonly long[] _counts;   // one per bound, plus +Inf
    private long _sumTicks, _count;
    private readonly double _frequency;

    public Histogram(double[] upperBoundsSeconds, long timestampFrequency)
    {
        if (upperBoundsSeconds.Length == 0) throw new ArgumentException("histogram: no buckets");
        for (int i = 1; i < upperBoundsSeconds.Length; i++)
            if (!(upperBoundsSeconds[i] > upperBoundsSeconds[i - 1])) throw new ArgumentException("histogram: bounds must increase");
        Bounds = upperBoundsSeconds;
        _frequency = timestampFrequency;
        _boundTicks = upperBoundsSeconds.Select(b => (long)Math.Floor(b * timestampFrequency)).ToArray();
        _counts = new long[upperBoundsSeconds.Length + 1];
    }

    /// <summary>Upper bounds in seconds (the <c>le</c> labels), without +Inf.</summary>
    public IReadOnlyList<double> Bounds { get; }

    /// <summary>Hot path, lock-free, allocation-free. One observation of <paramref name="ticks"/>.</summary>
    public void Observe(long ticks)
    {
        int i = 0;
        while (i < _boundTicks.Length && ticks > _boundTicks[i]) i++;
        Interlocked.Increment(ref _counts[i]);
        Interlocked.Add(ref _sumTicks, ticks);
        Interlocked.Increment(ref _count);
    }

    /// <summary>Observations at or below bound <paramref name="bucket"/> (<see cref="Bounds"/>.Count = +Inf).</summary>
    public long CumulativeCount(int bucket)
    {
        long n = 0;
        for (int i = 0; i <= bucket; i++) n += Interlocked.Read(ref _counts[i]);
        return n;
    }

    public long Count => Interlocked.Read(ref _count);
    public double SumSeconds => Interlocked.Read(ref _sumTicks) / _frequency;

    /// <summary>Buckets for loop periods and plan times around a 20-500 Hz loop: 0.5 ms .. 1 s.</summary>
    public static double[] LoopBuckets() => [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0];
}
