using Robotics.Runtime.Controllers.LatentMpc;
using static TorchSharp.torch;

namespace Robotics.Trainer.TdMpc2;

/// <summary>
/// The reference planner (TD-MPC2's MPPI) in TorchSharp, used to collect and evaluate during training and
/// as the ground truth the runtime's ONNX planner is tested against. One plan, given its
/// <see cref="LatentMppiNoise"/>:
/// 1. encode the observation; roll the policy prior out for P trajectories of H steps;
/// 2. start from the previous mean shifted by one step (zeros at an episode's first step), std = max;
/// 3. each iteration: N - P Gaussian samples clamped to [-1, 1] beside the prior's trajectories; value =
///    sum_t gamma^t r_t + gamma^H (Q_i + Q_j) / 2 at the horizon (the prior's action, two heads); keep the
///    top K; weights exp(temperature (v - max)); refit mean and std (std clamped to [min, max]);
/// 4. pick one elite by Gumbel-max over the weights; its first action (+ std x noise when exploring).
/// Actions are in the model's [-1, 1] units.
/// </summary>
internal sealed class TdMpc2Planner
{
    private readonly LatentWorldModel _m;
    private readonly LatentMppiOptions _o;
    private readonly float _discount;
    private readonly float[] _prevMean;

    public TdMpc2Planner(LatentWorldModel model, LatentMppiOptions options, float discount)
    {
        _m = model; _o = options.Validate(); _discount = discount;
        _prevMean = new float[options.Horizon * model.ActDim];
    }

    /// <summary>The mean kept for the next plan's warm start [H, A].</summary>
    public float[] PreviousMean => _prevMean;

    /// <summary>Not real-time. Plans from <paramref name="obs"/>; <paramref name="firstStep"/> drops the warm start.</summary>
    public float[] Act(ReadOnlySpan<float> obs, bool firstStep, bool explore, LatentMppiNoise noise)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int h = _o.Horizon, n = _o.Samples, p = _o.PolicySamples, k = _o.Elites, a = _m.ActDim;
        Tensor z = _m.Encode(tensor(obs.ToArray(), [1, obs.Length]));

        // 1. The prior's trajectories [H, P, A].
        var policyActions = new Tensor[h];
        if (p > 0)
        {
            Tensor eps = tensor(noise.PolicyEps, [h, p, a]);
            Tensor zp = z.expand(p, -1);
            for (int t = 0; t < h; t++)
            {
                policyActions[t] = _m.Pi(zp, eps[t]).Action;
                if (t < h - 1) zp = _m.Next(zp, policyActions[t]);
            }
        }
        Tensor pi = p > 0 ? stack(policyActions) : null!;

        // 2. Warm start.
        var mean0 = new float[h * a];
        if (!firstStep) Array.Copy(_prevMean, a, mean0, 0, (h - 1) * a);
        Tensor mean = tensor(mean0, [h, a]);
        Tensor std = full([h, a], _o.MaxStd);
        Tensor zn = z.expand(n, -1);
        Tensor samples = tensor(noise.Samples, [_o.Iterations, h, n - p, a]);
        Tensor terminalEps = tensor(noise.TerminalEps, [_o.Iterations, n, a]);

        // 3. MPPI iterations.
        Tensor score = null!, eliteActions = null!;
        for (int it = 0; it < _o.Iterations; it++)
        {
            Tensor gaussian = (mean.unsqueeze(1) + std.unsqueeze(1) * samples[it]).clamp(-1, 1);
            Tensor actions = p > 0 ? cat([pi, gaussian], 1) : gaussian;
            Tensor value = EstimateValue(zn, actions, terminalEps[it], noise.QPairs[2 * it], noise.QPairs[2 * it + 1]).nan_to_num(0);
            var top = value.topk(k);
            Tensor eliteValue = top.values;
            eliteActions = actions.index_select(1, top.indexes); // [H, K, A]
            score = (_o.Temperature * (eliteValue - eliteValue.max())).exp();
            score = score / score.sum();
            Tensor w = score.view(1, k, 1);
            mean = (w * eliteActions).sum(dim: 1) / (score.sum() + 1e-9);
            std = ((w * (eliteActions - mean.unsqueeze(1)).square()).sum(dim: 1) / (score.sum() + 1e-9)).sqrt().clamp(_o.MinStd, _o.MaxStd);
        }

        // 4. Gumbel-max choice of one elite.
        float[] logits = (score.log() + tensor(noise.Gumbel)).data<float>().ToArray();
        int best = 0;
        for (int i = 1; i < k; i++) if (logits[i] > logits[best]) best = i;
        float[] first = eliteActions[0][best].data<float>().ToArray();
        float[] std0 = std[0].data<float>().ToArray();
        mean.data<float>().CopyTo(_prevMean, 0);
        var action = new float[a];
        for (int j = 0; j < a; j++)
            action[j] = Math.Clamp(first[j] + (explore ? std0[j] * noise.ActionNoise[j] : 0f), -1f, 1f);
        return action;
    }

    /// <summary>actions [H, N, A] from latent z [N, L]: discounted learned rewards + discounted terminal Q [N].</summary>
    public Tensor EstimateValue(Tensor z, Tensor actions, Tensor terminalEps, int qi, int qj)
    {
        Tensor g = zeros(z.shape[0]);
        float discount = 1f;
        for (int t = 0; t < _o.Horizon; t++)
        {
            g = g + discount * _m.RewardValue(z, actions[t]);
            z = _m.Next(z, actions[t]);
            discount *= _discount;
        }
        Tensor aH = _m.Pi(z, terminalEps).Action;
        Tensor q = _m.QValues(z, aH);
        return g + discount * (q[qi] + q[qj]) / 2;
    }
}
