namespace Robotics.Runtime.Benchmarks;

/// <summary>Order statistics over a benchmark's samples (linear interpolation between ranks).</summary>
public static class Samples
{
    public static double Percentile(ReadOnlySpan<double> values, double q)
    {
        if (values.IsEmpty) return double.NaN;
        double[] s = values.ToArray();
        Array.Sort(s);
        double pos = q * (s.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    public static double Max(ReadOnlySpan<double> values)
    {
        double m = double.NegativeInfinity;
        foreach (double v in values) m = Math.Max(m, v);
        return m;
    }
}
