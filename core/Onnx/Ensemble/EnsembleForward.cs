using Robotics.Core.Models;

namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// The ensemble's one-step forward pass as ONNX nodes, shared by the step graph and every step of the fused
/// rollout graph (the weights become initializers once, however many steps use them). Per step:
/// normalise [obs, action]; for every member at once, dense layers as batched MatMul
/// ([N, in] x [E, in, out] broadcasts to [E, N, out]) with SiLU between them; denormalise the delta means and
/// add the observation. Disagreement D in normalised output units, by <see cref="EnsembleParameters.Measure"/>:
/// total-std = sqrt(mean over members of || mu_e - mean(mu) ||_2^2) (the default), or max-member-l2 = max over
/// members of || mu_e - mean(mu) ||_2 (graphs exported before issue 19).
/// </summary>
public sealed class EnsembleForward
{
    private readonly OnnxGraphBuilder _g;
    private readonly EnsembleParameters _p;
    private readonly OnnxValue[] _w, _b;
    private readonly OnnxValue _inMean, _inStd, _deltaStd, _deltaMean;

    // Initializer names: EnsembleParametersReader reads them back to rebuild graphs from a step model.
    internal static string WeightName(int layer) => $"ensemble.layer{layer}.weight";
    internal static string BiasName(int layer) => $"ensemble.layer{layer}.bias";
    internal const string InputMeanName = "ensemble.input_mean", InputStdName = "ensemble.input_std";
    internal const string DeltaMeanName = "ensemble.delta_mean", DeltaStdName = "ensemble.delta_std";
    internal const string RewardMeanName = "ensemble.reward_mean", RewardStdName = "ensemble.reward_std";
    private readonly OnnxValue _rewardStd, _rewardMean;
    private readonly OnnxValue[][]? _memberW, _memberB;

    /// <summary>How the members' dense layers are laid out.</summary>
    public enum Layout
    {
        /// <summary>One batched MatMul per layer over all members: [E, N, in] x [E, in, out].</summary>
        Batched,
        /// <summary>
        /// One 2-D MatMul + Add per member and layer (ONNX Runtime fuses each pair into a Gemm and folds the
        /// per-member weight slices into initializers at load). Faster on CPU: MLAS splits a 2-D GEMM across
        /// threads better than a small batched one, and the bias add rides inside the Gemm.
        /// </summary>
        PerMember,
    }

    public EnsembleForward(OnnxGraphBuilder g, EnsembleParameters p, Layout layout = Layout.Batched)
    {
        _g = g;
        _p = p;
        int e = p.Members, o = p.ObsDim;
        _w = new OnnxValue[p.LayerCount];
        _b = new OnnxValue[p.LayerCount];
        for (int l = 0; l < p.LayerCount; l++)
        {
            _w[l] = g.Initializer(WeightName(l), p.Weights[l], e, p.LayerSizes[l], p.LayerSizes[l + 1]);
            _b[l] = g.Initializer(BiasName(l), p.Biases[l], e, 1, p.LayerSizes[l + 1]);
        }
        _inMean = g.Initializer(InputMeanName, p.InputMean, p.InputWidth);
        _inStd = g.Initializer(InputStdName, p.InputStd, p.InputWidth);
        _deltaMean = g.Initializer(DeltaMeanName, p.OutputMean.AsSpan(0, o), o);
        _deltaStd = g.Initializer(DeltaStdName, p.OutputStd.AsSpan(0, o), o);
        if (layout == Layout.PerMember)
        {
            _memberW = new OnnxValue[e][];
            _memberB = new OnnxValue[e][];
            for (int m = 0; m < e; m++)
            {
                _memberW[m] = new OnnxValue[p.LayerCount];
                _memberB[m] = new OnnxValue[p.LayerCount];
                for (int l = 0; l < p.LayerCount; l++)
                {
                    _memberW[m][l] = g.Gather(_w[l], m, axis: 0);                 // [in, out]
                    _memberB[m][l] = g.Gather(g.Gather(_b[l], m, axis: 0), 0, 0); // [out]
                }
            }
        }
        if (p.PredictsReward)
        {
            _rewardMean = g.Initializer(RewardMeanName, p.OutputMean.AsSpan(o, 1), 1);
            _rewardStd = g.Initializer(RewardStdName, p.OutputStd.AsSpan(o, 1), 1);
        }
    }

    /// <summary>One step's outputs; <see cref="Reward"/> is zeros when the ensemble predicts no reward.</summary>
    public readonly record struct StepValues(OnnxValue NextObsMembers, OnnxValue NextObs, OnnxValue Reward, OnnxValue Disagreement);

    /// <summary>Adds one step for observations [N, obs_dim] and actions [N, act_dim].</summary>
    public StepValues Step(OnnxValue obs, OnnxValue action) => Step(_g, obs, action);

    /// <summary>Adds one step into <paramref name="g"/>: the graph the weights live in or one of its subgraphs (a Loop body).</summary>
    public StepValues Step(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action)
    {
        int o = _p.ObsDim;
        OnnxValue x = g.Div(g.Sub(g.Concat(1, obs, action), _inMean), _inStd);
        OnnxValue h = _memberW is null ? BatchedLayers(g, x) : PerMemberLayers(g, x);
        // h: [E, N, out]; the first obs_dim columns are normalised delta means.
        OnnxValue deltaNorm = _p.LayerSizes[^1] == o ? h : g.Slice(h, [0], [o], [2]);
        OnnxValue members = g.Add(obs, g.Add(g.Mul(deltaNorm, _deltaStd), _deltaMean));
        OnnxValue next = g.ReduceMean(members, [0], keepDims: false);

        OnnxValue diff = g.Sub(deltaNorm, g.ReduceMean(deltaNorm, [0], keepDims: true));
        OnnxValue sq = g.ReduceSumSquare(diff, [2], keepDims: false);   // [E, N]
        OnnxValue disagreement = g.Sqrt(_p.Measure == DisagreementMeasure.TotalStd
            ? g.ReduceMean(sq, [0], keepDims: false)
            : g.ReduceMax(sq, [0], keepDims: false));

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

    private OnnxValue BatchedLayers(OnnxGraphBuilder g, OnnxValue h) => DenseStack(g, h, _w, _b);

    /// <summary>
    /// Every member's dense layers at once: h [N, in] (or [E, N, in]) x weights [E, in, out] + biases [E, 1, out],
    /// SiLU between layers, linear output: [E, N, out]. Shared by every ensemble graph (dynamics, inverse dynamics).
    /// </summary>
    public static OnnxValue DenseStack(OnnxGraphBuilder g, OnnxValue h, IReadOnlyList<OnnxValue> weights, IReadOnlyList<OnnxValue> biases)
    {
        for (int l = 0; l < weights.Count; l++)
        {
            h = g.Add(g.MatMul(h, weights[l]), biases[l]);
            if (l < weights.Count - 1) h = g.Silu(h);
        }
        return h;
    }

    private OnnxValue PerMemberLayers(OnnxGraphBuilder g, OnnxValue x)
    {
        var outs = new OnnxValue[_p.Members];
        for (int m = 0; m < _p.Members; m++)
        {
            OnnxValue h = x;
            for (int l = 0; l < _p.LayerCount; l++)
            {
                h = g.Add(g.MatMul(h, _memberW![m][l]), _memberB![m][l]);
                if (l < _p.LayerCount - 1) h = g.Silu(h);
            }
            outs[m] = g.Unsqueeze(h, 0);
        }
        return g.Concat(0, outs);
    }
}
