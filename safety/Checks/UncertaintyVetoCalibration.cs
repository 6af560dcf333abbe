using Robotics.Core.Models;

namespace Robotics.Safety.Checks;

/// <summary>A threshold calibrated on ticks: how many ticks it was set from and how many of them it vetoes (hysteresis included).</summary>
/// <param name="Threshold">The entry threshold at factor 1.</param>
/// <param name="Ticks">Calibration ticks (all sequences together).</param>
/// <param name="VetoedTicks">Ticks the veto, replayed over the sequences at <paramref name="Threshold"/>, acts on.</param>
/// <param name="Sequences">Sequences (episodes; a held-out transition on its own is a sequence of one).</param>
public sealed record TickCalibration(double Threshold, long Ticks, long VetoedTicks, int Sequences)
{
    public double VetoedRate => Ticks == 0 ? 0 : VetoedTicks / (double)Ticks;
}

/// <summary>
/// The uncertainty veto's threshold calibrated on the rate the gate is judged by: ticks vetoed, hysteresis included.
/// Input: the uncertainty of the proposal the gate judged at every tick of in-distribution episodes, in tick order
/// (the recorded <c>proposed</c> column), plus held-out transitions as sequences of one. For a threshold t the
/// <see cref="UncertaintyVetoCheck"/> itself is replayed over each sequence (hysteresis off at its start) and counts
/// the vetoed ticks V(t) of N. The threshold is the smallest score t such that every score t' >= t keeps
/// (V(t') + 1) / (N + 1) &lt;= alpha: conformal risk control with the 0/1 loss "this tick is vetoed" (Angelopoulos et al.
/// 2022, bound B = 1; the scan from the top makes it valid though V is not exactly monotone under the minimum veto
/// length). Without hysteresis (exit fraction 1, one tick) V(t) = #{U > t} and this is exactly the split-conformal
/// threshold of <see cref="ConformalThreshold"/>. The guarantee treats ticks as exchangeable; ticks of one episode are
/// not independent and a replay does not see how a veto would have changed the episode, so the measured rate on fresh
/// episodes is the test. Not real-time.
/// </summary>
public static class UncertaintyVetoCalibration
{
    public const string Method = "conformal-risk-control-ticks";

    /// <summary>Vetoes of minimum length the tick budget must hold for <see cref="RecommendedTicks"/>.</summary>
    public const int RecommendedBursts = 10;

    /// <summary>
    /// Calibration ticks for a stable threshold: vetoes come in bursts of at least <c>MinVetoTicks</c>, so the budget
    /// alpha x N holds only alpha x N / MinVetoTicks bursts; below <see cref="RecommendedBursts"/> one burst more or less
    /// on fresh episodes moves the rate by more than a tenth of alpha and the threshold varies with the draw. Fixed before
    /// any evaluation: ceil(10 x MinVetoTicks / alpha) (alpha 0.005, 2 ticks: 4,000).
    /// </summary>
    public static long RecommendedTicks(double falseVetoRate, UncertaintyVetoOptions hysteresis) =>
        (long)Math.Ceiling(RecommendedBursts * hysteresis.MinVetoTicks / falseVetoRate - 1e-9);

    /// <summary>Ticks the veto acts on when <paramref name="sequences"/> are replayed at <paramref name="threshold"/> (factor 1).</summary>
    public static long VetoedTicks(IReadOnlyList<float[]> sequences, float threshold, UncertaintyVetoOptions hysteresis)
    {
        var check = new UncertaintyVetoCheck(hysteresis with { ThresholdFactor = 1 }, threshold);
        long vetoed = 0;
        foreach (float[] sequence in sequences)
        {
            check.ResetHysteresis();
            foreach (float u in sequence)
                if (check.VetoesProposal(u, out _)) vetoed++;
        }
        return vetoed;
    }

    /// <summary>
    /// The threshold for <paramref name="sequences"/> at tick rate <paramref name="falseVetoRate"/>; throws
    /// <see cref="ArgumentException"/> (one line) for a rate outside (0, 1), too few ticks or a non-finite score.
    /// </summary>
    public static TickCalibration Compute(IReadOnlyList<float[]> sequences, double falseVetoRate, UncertaintyVetoOptions hysteresis)
    {
        if (!(falseVetoRate > 0 && falseVetoRate < 1))
            throw new ArgumentException($"false-veto rate must be in (0, 1), got {falseVetoRate}");
        hysteresis.Validate();
        long n = sequences.Sum(s => (long)s.Length);
        int min = ConformalThreshold.MinScores(falseVetoRate);
        if (n < min)
            throw new ArgumentException($"{n} calibration ticks are too few for a false-veto rate of {falseVetoRate}: need at least {min}");
        var distinct = new SortedSet<float>();
        foreach (float[] s in sequences)
            foreach (float u in s)
            {
                if (!float.IsFinite(u)) throw new ArgumentException($"an uncertainty score is {u}: the model predicts non-finite values on this data");
                distinct.Add(u);
            }
        double budget = falseVetoRate * (n + 1) - 1 + 1e-9;   // (V + 1) / (n + 1) <= alpha
        float best = distinct.Max;                             // nothing is above the largest score: V = 0
        long bestVetoed = 0;
        foreach (float t in distinct.Reverse().Skip(1))
        {
            long v = VetoedTicks(sequences, t, hysteresis);
            if (v > budget) break;
            best = t; bestVetoed = v;
        }
        return new TickCalibration(best, n, bestVetoed, sequences.Count);
    }
}
