using Robotics.Core.Models;

namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// The ensemble's one-step forward pass as ONNX nodes, shared by the step graph and every step of the fused
/// rollout graph (the weights become initializers once, however many steps use them). Per step:
/// normalise [obs, action]; for every member at once, dense layers as batched MatMul
/// ([N, in] x [E, in, out] broadcasts to [E, N, out]) with SiLU between them; denormalise the delta means and
/// add the observation. Disagreement D = max over members of || mu_e - mean(mu) ||_2 in normalised output units.
/// </summary>
public sealed class EnsembleForward
{
    private readonly OnnxGraphBuilder _g;
    private readonly EnsembleParameters _p;
    private readonly OnnxValue[] _w, _b;
    private readonly OnnxValue _inMean, _inInvStd, _deltaStd, _deltaMean;
    private readonly OnnxValue _rewardStd, _rewardMean;

    public EnsembleForward(OnnxGraphBuilder g, EnsembleParameters p)
    {
        _g = g;
        _p = p;
        int e = p.Members, o = p.ObsDim;
        _w = new OnnxValue[p.LayerCount];
        _b = new OnnxValue[p.LayerCount];
        for (int l = 0; l < p.LayerCount; l++)
        {
            _w[l] = g.Initializer($"ensemble.layer{l}.weight", p.Weights[l], e, p.LayerSizes[l], p.LayerSizes[l + 1]);
            _b[l] = g.Initializer($"ensemble.layer{l}.bias", p.Biases[l], e, 1, p.LayerSizes[l + 1]);
        }
        var inv = new float[p.InputWidth];
        for (int i = 0; i < inv.Length; i++) inv[i] = 1f / p.InputStd[i];
        _inMean = g.Initializer("ensemble.input_mean", p.InputMean, p.InputWidth);
        _inInvStd = g.Initializer("ensemble.input_inv_std", inv, p.InputWidth);
        _deltaMean = g.Initializer("ensemble.delta_mean", p.OutputMean.AsSpan(0, o), o);
        _deltaStd = g.Initializer("ensemble.delta_std", p.OutputStd.AsSpan(0, o), o);
        if (p.PredictsReward)
        {
            _rewardMean = g.Initializer("ensemble.reward_mean", p.OutputMean.AsSpan(o, 1), 1);
            _rewardStd = g.Initializer("ensemble.reward_std", p.OutputStd.AsSpan(o, 1), 1);
        }
    }

    /// <summary>One step's outputs; <see cref="Reward"/> is zeros when the ensemble predicts no reward.</summary>
    public readonly record struct StepValues(OnnxValue NextObsMembers, OnnxValue NextObs, OnnxValue Reward, OnnxValue Disagreement);

    /// <summary>Adds one step for observations [N, obs_dim] and actions [N, act_dim].</summary>
    public StepValues Step(OnnxValue obs, OnnxValue action)
    {
        var g = _g;
        int o = _p.ObsDim;
        OnnxValue h = g.Mul(g.Sub(g.Concat(1, obs, action), _inMean), _inInvStd);
        for (int l = 0; l < _p.LayerCount; l++)
        {
            h = g.Add(g.MatMul(h, _w[l]), _b[l]);
            if (l < _p.LayerCount - 1) h = g.Silu(h);
        }
        // h: [E, N, out]; the first obs_dim columns are normalised delta means.
        OnnxValue deltaNorm = _p.LayerSizes[^1] == o ? h : g.Slice(h, [0], [o], [2]);
        OnnxValue members = g.Add(obs, g.Add(g.Mul(deltaNorm, _deltaStd), _deltaMean));
        OnnxValue next = g.ReduceMean(members, [0], keepDims: false);

        OnnxValue diff = g.Sub(deltaNorm, g.ReduceMean(deltaNorm, [0], keepDims: true));
        OnnxValue disagreement = g.Sqrt(g.ReduceMax(g.ReduceSumSquare(diff, [2], keepDims: false), [0], keepDims: false));

        OnnxValue reward;
        if (_p.PredictsReward)
        {
            OnnxValue r = g.Add(g.Mul(g.Slice(h, [o], [o + 1], [2]), _rewardStd), _rewardMean);
            reward = g.ReduceMean(r, [0, 2], keepDims: false);
        }
        else
        {
            reward = g.ConstantOfShape(g.Slice(g.Shape(obs), [0], [1], [0]), 0f);
        }
        return new StepValues(members, next, reward, disagreement);
    }
}
