using Robotics.Core.Models;

namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// Builds the fused rollout graph: inputs obs0 [obs_dim], actions [P, H, act_dim] and last_action [act_dim];
/// outputs cost [P] and disagreement [P] (D summed over the horizon) after rolling every candidate through
/// every member, averaging the members' predictions each step (the planner's "average" particle mode),
/// and summing <see cref="RolloutCostOptions"/>'s terms. One planner iteration is then one Run().
/// The horizon is unrolled (H copies of the step sharing one set of weights): ONNX Runtime runs the
/// unrolled graph as one flat plan, without a Loop's per-iteration subgraph dispatch. P stays dynamic.
/// </summary>
public static class EnsembleRolloutGraph
{
    public static OnnxModel Build(EnsembleParameters p, int horizon, RolloutCostOptions cost,
                                  IReadOnlyDictionary<string, string>? metadata = null, string producerVersion = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        cost.Validate();
        if (cost.Analytic is null && !p.PredictsReward)
            throw new ArgumentException("rollout graph: the ensemble predicts no reward, so an analytic cost is needed");

        var g = new OnnxGraphBuilder("ensemble_rollout");
        OnnxValue obs0 = g.Input(EnsembleGraphNames.Obs0, [p.ObsDim]);
        OnnxValue actions = g.Input(EnsembleGraphNames.Actions, ["P", horizon, p.ActDim]);
        OnnxValue lastAction = g.Input(EnsembleGraphNames.LastAction, [p.ActDim]);
        var forward = new EnsembleForward(g, p);

        OnnxValue rows = g.Slice(g.Shape(actions), [0], [1], [0]);
        OnnxValue obs = g.Expand(g.Unsqueeze(obs0, 0), g.Concat(0, rows, g.ConstInt64(p.ObsDim)));
        OnnxValue prev = g.Unsqueeze(lastAction, 0);
        OnnxValue lambda = cost.UncertaintyLambda > 0 ? g.Const(cost.UncertaintyLambda) : OnnxValue.None;
        OnnxValue rate = cost.ActionRateWeight > 0 ? g.Const(cost.ActionRateWeight) : OnnxValue.None;
        OnnxValue total = OnnxValue.None, dSum = OnnxValue.None;

        for (int t = 0; t < horizon; t++)
        {
            OnnxValue a = g.Gather(actions, t, axis: 1);
            var s = forward.Step(obs, a);
            OnnxValue c = cost.Analytic is { } analytic ? analytic.Build(g, obs, a) : g.Neg(s.Reward);
            if (cost.UncertaintyLambda > 0) c = g.Add(c, g.Mul(lambda, s.Disagreement));
            if (cost.ActionRateWeight > 0) c = g.Add(c, g.Mul(rate, g.ReduceSumSquare(g.Sub(a, prev), [1], keepDims: false)));
            total = t == 0 ? c : g.Add(total, c);
            dSum = t == 0 ? s.Disagreement : g.Add(dSum, s.Disagreement);
            obs = s.NextObs;
            prev = a;
        }
        g.Output(EnsembleGraphNames.Cost, total, ["P"]);
        g.Output(EnsembleGraphNames.RolloutDisagreement, dSum, ["P"]);

        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            [EnsembleGraphNames.HorizonKey] = horizon.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [EnsembleGraphNames.CostKey] = cost.Describe(),
        };
        return g.ToModel(meta, producerVersion);
    }
}
