using Robotics.Core.Spaces;
using Robotics.Core.Tasks;
using Robotics.Trainer.Models;
using Robotics.Trainer.OffPolicy;
using Robotics.Trainer.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.Mbpo;

/// <summary>What one batch of branched rollouts added.</summary>
public readonly record struct RolloutStats(int Starts, int Length, int Added, int Terminated, int StoppedUncertain);

/// <summary>
/// MBPO's branched rollouts: start from real states drawn uniformly from the real buffer, act with the current
/// stochastic policy, and step each branch through one elite drawn at random per row and per step, sampling the
/// next state and reward from that member's Gaussian (the PETS ensemble's mean and log-variance heads). A branch
/// ends after k steps, at a terminal state of the task, or (when asked) where the elites disagree by more than
/// a threshold, in which case that transition is dropped. Every kept transition goes into the model buffer.
/// </summary>
internal static class BranchedRollouts
{
    /// <summary>Not real-time.</summary>
    public static RolloutStats Run(TrainedEnsemble model, SacAgent agent, ReplayBuffer real, ReplayBuffer target, int starts, int length,
                                   BoxSpace actionSpace, ITaskDefinition? task, double? stopAbove, Random rng, Generator noise)
    {
        int obsDim = model.ObsDim, actDim = model.ActDim, k = model.Elites.Count;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var start = new float[starts * obsDim];
        var row = new float[obsDim];
        for (int i = 0; i < starts; i++)
        {
            real.ObsAt(rng.Next(real.Count), row);
            row.CopyTo(start, i * obsDim);
        }
        var center = new float[actDim];
        var half = new float[actDim];
        for (int j = 0; j < actDim; j++) { center[j] = 0.5f * (actionSpace.Low[j] + actionSpace.High[j]); half[j] = 0.5f * (actionSpace.High[j] - actionSpace.Low[j]); }
        Tensor tCenter = tensor(center), tHalf = tensor(half);
        Tensor inMean = tensor(model.InputNormalizer.Mean), inStd = tensor(model.InputNormalizer.Std);
        Tensor outMean = tensor(model.OutputNormalizer.Mean), outStd = tensor(model.OutputNormalizer.Std);

        Tensor obs = tensor(start, [starts, obsDim]);
        int added = 0, terminated = 0, uncertain = 0;
        for (int t = 0; t < length && obs.shape[0] > 0; t++)
        {
            using var stepScope = NewDisposeScope();
            int n = (int)obs.shape[0];
            Tensor unit = agent.Act(obs, deterministic: false);
            Tensor x = (cat([obs, unit * tHalf + tCenter], 1) - inMean) / inStd;

            // One elite per row, drawn afresh each step; each member runs its own rows.
            var member = new int[n];
            for (int i = 0; i < n; i++) member[i] = rng.Next(k);
            Tensor mean = zeros(n, model.OutputNormalizer.Dimension), logVar = zeros(n, model.OutputNormalizer.Dimension);
            for (int e = 0; e < k; e++)
            {
                long[] rows = Enumerable.Range(0, n).Where(i => member[i] == e).Select(i => (long)i).ToArray();
                if (rows.Length == 0) continue;
                Tensor idx = tensor(rows);
                var (m, lv) = Member(model, model.Elites[e], x.index_select(0, idx));
                mean.index_copy_(0, idx, m);
                logVar.index_copy_(0, idx, lv);
            }
            Tensor y = (mean + (0.5f * logVar).exp() * randn(mean.shape, generator: noise)) * outStd + outMean;
            Tensor next = obs + y.narrow(1, 0, obsDim);
            Tensor reward = y.narrow(1, obsDim, 1).squeeze(1);
            float[]? d = stopAbove is null ? null : Disagreement(model, x).data<float>().ToArray();

            float[] o = obs.contiguous().data<float>().ToArray(), a = unit.contiguous().data<float>().ToArray();
            float[] nx = next.contiguous().data<float>().ToArray(), r = reward.contiguous().data<float>().ToArray();
            var keep = new List<long>(n);
            for (int i = 0; i < n; i++)
            {
                if (d is not null && d[i] > stopAbove!.Value) { uncertain++; continue; }
                var ni = nx.AsSpan(i * obsDim, obsDim);
                bool terminal = task?.IsTerminal(ni) ?? false;
                target.Add(o.AsSpan(i * obsDim, obsDim), a.AsSpan(i * actDim, actDim), r[i], ni, terminal);
                added++;
                if (terminal) terminated++; else keep.Add(i);
            }
            obs = next.index_select(0, tensor(keep.ToArray())).MoveToOuterDisposeScope();
        }
        return new RolloutStats(starts, length, added, terminated, uncertain);
    }

    /// <summary>Member <paramref name="m"/>'s normalised mean and bounded log-variance for normalised inputs x [n, in].</summary>
    private static (Tensor Mean, Tensor LogVar) Member(TrainedEnsemble model, int m, Tensor x)
    {
        var net = model.Network;
        Tensor h = x;
        int layers = net.Weights.Count;
        for (int l = 0; l < layers; l++)
        {
            h = h.matmul(net.Weights[l][m]).add(net.Biases[l][m]);
            if (l < layers - 1) h = nn.functional.silu(h);
        }
        int outDim = net.OutputDim;
        Tensor maxLv = net.MaxLogVar.view(outDim), minLv = net.MinLogVar.view(outDim);
        Tensor lv = maxLv - nn.functional.softplus(maxLv - h.narrow(1, outDim, outDim));
        lv = minLv + nn.functional.softplus(lv - minLv);
        return (h.narrow(1, 0, outDim), lv);
    }

    /// <summary>The gate's disagreement D per row: max over elites of the L2 distance of their mean observation change to the elites' mean (normalised units).</summary>
    private static Tensor Disagreement(TrainedEnsemble model, Tensor x)
    {
        var means = new Tensor[model.Elites.Count];
        for (int e = 0; e < means.Length; e++) means[e] = Member(model, model.Elites[e], x).Mean.narrow(1, 0, model.ObsDim);
        Tensor mu = stack(means);
        return (mu - mu.mean([0], keepdim: true)).square().sum(2).max(0).values.sqrt();
    }
}
