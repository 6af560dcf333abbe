using Robotics.Core.Models;

namespace Robotics.Runtime.Tests.Perf;

/// <summary>
/// The ensemble's step written as plain loops (no ONNX), the independent reference the graphs are checked
/// against: per member, normalise [obs, action], dense layers with SiLU between, denormalise the delta means.
/// </summary>
public static class ReferenceEnsemble
{
    public sealed record Step(float[] Members, float[] Next, float[] Reward, float[] Disagreement);

    /// <summary>obs [n, o], action [n, a] -> members [E, n, o], next [n, o], reward [n], D [n].</summary>
    public static Step Run(EnsembleParameters p, float[] obs, float[] action, int n)
    {
        int o = p.ObsDim, a = p.ActDim, e = p.Members;
        var members = new float[e * n * o];
        var norm = new float[e * n * o];
        var next = new float[n * o];
        var reward = new float[n];
        var dis = new float[n];
        for (int m = 0; m < e; m++)
            for (int i = 0; i < n; i++)
            {
                var x = new float[p.InputWidth];
                for (int j = 0; j < o; j++) x[j] = (obs[i * o + j] - p.InputMean[j]) / p.InputStd[j];
                for (int j = 0; j < a; j++) x[o + j] = (action[i * a + j] - p.InputMean[o + j]) / p.InputStd[o + j];
                for (int l = 0; l < p.LayerCount; l++)
                {
                    int fin = p.LayerSizes[l], fout = p.LayerSizes[l + 1];
                    var y = new float[fout];
                    for (int c = 0; c < fout; c++)
                    {
                        double s = p.Biases[l][m * fout + c];
                        for (int r = 0; r < fin; r++) s += x[r] * p.Weights[l][(m * fin + r) * fout + c];
                        y[c] = l < p.LayerCount - 1 ? (float)(s / (1 + Math.Exp(-s))) : (float)s;
                    }
                    x = y;
                }
                for (int j = 0; j < o; j++)
                {
                    norm[(m * n + i) * o + j] = x[j];
                    members[(m * n + i) * o + j] = obs[i * o + j] + x[j] * p.OutputStd[j] + p.OutputMean[j];
                }
                if (p.PredictsReward) reward[i] += (x[o] * p.OutputStd[o] + p.OutputMean[o]) / e;
            }
        for (int i = 0; i < n; i++)
        {
            var meanNorm = new double[o];
            for (int j = 0; j < o; j++)
                for (int m = 0; m < e; m++)
                {
                    next[i * o + j] += members[(m * n + i) * o + j] / e;
                    meanNorm[j] += norm[(m * n + i) * o + j] / (double)e;
                }
            double best = 0, sum = 0;
            for (int m = 0; m < e; m++)
            {
                double ss = 0;
                for (int j = 0; j < o; j++) { double d = norm[(m * n + i) * o + j] - meanNorm[j]; ss += d * d; }
                best = Math.Max(best, ss);
                sum += ss;
            }
            // max-member-l2: the largest member distance; total-std: sqrt of the summed per-dim population variances.
            dis[i] = (float)Math.Sqrt(p.Measure == DisagreementMeasure.TotalStd ? sum / e : best);
        }
        return new Step(members, next, reward, dis);
    }

    /// <summary>Random parameters with non-trivial normalisation, small enough for fast tests.</summary>
    public static EnsembleParameters Small(bool predictsReward, int members = 3, int seed = 7, int hidden = 16,
                                           DisagreementMeasure measure = DisagreementMeasures.Default)
    {
        var rng = new Random(seed);
        var r = EnsembleParameters.CreateRandom(3, 1, members, [hidden, hidden], predictsReward ? 8 : 6, predictsReward, rng);
        float[] F(int k, float lo, float hi) { var v = new float[k]; for (int i = 0; i < k; i++) v[i] = lo + (hi - lo) * (float)rng.NextDouble(); return v; }
        int mw = r.MeanWidth;
        // Output std kept small so rollouts stay in a sane range over the horizon.
        return new EnsembleParameters(3, 1, members, [.. r.LayerSizes], [.. r.Weights], [.. r.Biases],
            F(4, -0.2f, 0.2f), F(4, 0.5f, 2f), F(mw, -0.05f, 0.05f), F(mw, 0.05f, 0.2f), predictsReward) { Measure = measure };
    }
}
