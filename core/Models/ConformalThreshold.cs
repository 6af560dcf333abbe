namespace Robotics.Core.Models;

/// <summary>
/// The uncertainty veto's threshold by split-conformal prediction. Given n held-out in-distribution scores
/// U_1..U_n (disagreement on transitions the model was not fitted on) and a target false-veto rate alpha,
/// the threshold is the k-th smallest score with k = ceil((n + 1)(1 - alpha)). For a new transition
/// exchangeable with the held-out ones, P(U > threshold) &lt;= alpha, and >= alpha - 1/(n + 1) when scores
/// are distinct (Vovk et al.; Angelopoulos and Bates 2021, section 1). Needs n >= 1/alpha - 1.
/// </summary>
public static class ConformalThreshold
{
    public const string Method = "split-conformal";
    public const double DefaultFalseVetoRate = 0.01;

    /// <summary>Fewest scores for which <paramref name="falseVetoRate"/> can be guaranteed.</summary>
    public static int MinScores(double falseVetoRate) => (int)Math.Ceiling((1 - falseVetoRate) / falseVetoRate - 1e-9);

    /// <summary>
    /// Not real-time. The threshold for <paramref name="scores"/>; throws <see cref="ArgumentException"/> (one
    /// line) when the rate is outside (0, 1), there are too few scores, or a score is not finite.
    /// </summary>
    public static double Compute(ReadOnlySpan<float> scores, double falseVetoRate)
    {
        if (!(falseVetoRate > 0 && falseVetoRate < 1))
            throw new ArgumentException($"false-veto rate must be in (0, 1), got {falseVetoRate}");
        int n = scores.Length, min = MinScores(falseVetoRate);
        if (n < min)
            throw new ArgumentException($"{n} held-out transitions are too few for a false-veto rate of {falseVetoRate}: need at least {min}");
        var sorted = scores.ToArray();
        foreach (float u in sorted)
            if (!float.IsFinite(u)) throw new ArgumentException($"an uncertainty score is {u}: the model predicts non-finite values on this data");
        Array.Sort(sorted);
        int k = (int)Math.Ceiling((n + 1) * (1 - falseVetoRate) - 1e-9);
        return sorted[Math.Clamp(k, 1, n) - 1];
    }

    /// <summary>
    /// Not real-time. The card section for <paramref name="scores"/>: the conformal threshold at
    /// <paramref name="falseVetoRate"/>, p50/p90/p99 and max (linear-interpolated quantiles), and where the data came from.
    /// </summary>
    public static UncertaintyCalibration Calibrate(ReadOnlySpan<float> scores, double falseVetoRate, string data,
                                                   string method = UncertaintyCalibration.EnsembleDisagreement)
    {
        double threshold = Compute(scores, falseVetoRate);
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        return new UncertaintyCalibration
        {
            Method = method,
            P99 = Quantile(sorted, 0.99),
            Max = sorted[^1],
            Quantiles = new() { ["p50"] = Quantile(sorted, 0.5), ["p90"] = Quantile(sorted, 0.9) },
            Threshold = threshold,
            ThresholdMethod = Method,
            TargetFalseVetoRate = falseVetoRate,
            CalibrationTransitions = scores.Length,
            CalibrationData = data,
        };
    }

    /// <summary>Linear-interpolated quantile of sorted values (numpy's default).</summary>
    public static double Quantile(ReadOnlySpan<float> sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
