using Robotics.Core.Models;

namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// Builds the fused rollout graph: inputs obs0 [obs_dim], actions [P, H, act_dim] and last_action [act_dim];
/// outputs cost [P] and disagreement [P] (D summed over the horizon) after rolling every candidate through
/// every member, averaging the members' predictions each step (the planner's "average" particle mode),
/// and summing <see cref="RolloutCostOptions"/>'s terms. One planner iteration is then one Run().
/// The horizon is unrolled (H copies of the step sharing one set of weights): ONNX Runtime runs the
/// unrolled graph as one flat plan, without a Loop's per-iteration subgraph dispatch. P stays dynamic.
/// Members' layers default to <see cref="EnsembleForward.Layout.PerMember"/> (2-D Gemms with the bias fused),
/// measured faster than one batched MatMul per layer for PETS sizes on CPU.
/// With <c>perCandidateStart</c> (tree search's batched leaves) obs0 is [P, obs_dim] and last_action [P, act_dim]:
/// each candidate starts from its own state, so the leaves of several tree nodes share one call (the graph's cost is
/// mostly its hundreds of operators, nearly independent of P at these sizes).
/// </summary>
public static class EnsembleRolloutGraph
{
    /// <summary>How the horizon is laid out in the graph.</summary>
    public enum Form
    {
        /// <summary>H copies of the step (fastest in ONNX Runtime; the horizon is fixed).</summary>
        Unrolled,
        /// <summary>One ONNX Loop over the horizon (for comparison; the Loop runs its body as a subgraph per step).</summary>
        Loop,
    }

    public static OnnxModel Build(EnsembleParameters p, int horizon, RolloutCostOptions cost,
                                  IReadOnlyDictionary<string, string>? metadata = null, string producerVersion = "", Form form = Form.Unrolled,
                                  EnsembleForward.Layout layout = EnsembleForward.Layout.PerMember, bool perCandidateStart = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        cost.Validate();
        if (cost.Analytic is null && !p.PredictsReward)
            throw new ArgumentException("rollout graph: the ensemble predicts no reward, so an analytic cost is needed");

        var g = new OnnxGraphBuilder("ensemble_rollout");
        if (perCandidateStart && form != Form.Unrolled) throw new ArgumentException("rollout graph: per-candidate starts are built only in the unrolled form");
        OnnxValue obs0 = perCandidateStart ? g.Input(EnsembleGraphNames.Obs0, ["P", p.ObsDim]) : g.Input(EnsembleGraphNames.Obs0, [p.ObsDim]);
        OnnxValue actions = g.Input(EnsembleGraphNames.Actions, ["P", horizon, p.ActDim]);
        OnnxValue lastAction = perCandidateStart ? g.Input(EnsembleGraphNames.LastAction, ["P", p.ActDim]) : g.Input(EnsembleGraphNames.LastAction, [p.ActDim]);
        var forward = new EnsembleForward(g, p, layout);

        OnnxValue rows = g.Slice(g.Shape(actions), [0], [1], [0]);
        OnnxValue obs = perCandidateStart ? obs0 : g.Expand(g.Unsqueeze(obs0, 0), g.Concat(0, rows, g.ConstInt64(p.ObsDim)));
        OnnxValue prev = perCandidateStart ? lastAction : g.Unsqueeze(lastAction, 0);
        OnnxValue lambda = cost.UncertaintyLambda > 0 ? g.Const(cost.UncertaintyLambda) : OnnxValue.None;
        OnnxValue rate = cost.ActionRateWeight > 0 ? g.Const(cost.ActionRateWeight) : OnnxValue.None;
        OnnxValue total = OnnxValue.None, dSum = OnnxValue.None;

        if (form == Form.Unrolled)
        {
            (total, dSum) = Unrolled(g, forward, cost, lambda, rate, obs, actions, prev, horizon);
        }
        else
        {
            if (cost.Discount < 1 || cost.Terminates)
                throw new ArgumentException("rollout graph: discount and termination are built only in the unrolled form");
            // Loop-carried: obs [P, o], prev [P, a], total [P], dSum [P]; actions read from the outer scope.
            var body = g.Subgraph("rollout_step");
            OnnxValue it = body.Input("t", [], OnnxDataType.Int64);
            OnnxValue cond = body.Input("cond_in", [], OnnxDataType.Bool);
            OnnxValue bObs = body.Input("obs_in", ["P", p.ObsDim]);
            OnnxValue bPrev = body.Input("prev_in", ["P", p.ActDim]);
            OnnxValue bTotal = body.Input("total_in", ["P"]);
            OnnxValue bDSum = body.Input("dsum_in", ["P"]);
            OnnxValue a = body.Gather(actions, it, axis: 1);
            var (next, c, d) = Step(body, forward, cost, lambda, rate, bObs, a, bPrev);
            body.Output("cond_out", body.Identity(cond), [], OnnxDataType.Bool);
            body.Output("obs_out", next, ["P", p.ObsDim]);
            body.Output("prev_out", a, ["P", p.ActDim]);
            body.Output("total_out", body.Add(bTotal, c), ["P"]);
            body.Output("dsum_out", body.Add(bDSum, d), ["P"]);
            OnnxValue zeros = g.ConstantOfShape(rows, 0f);
            OnnxValue prevRows = g.Expand(prev, g.Concat(0, rows, g.ConstInt64(p.ActDim)));
            var outs = g.Loop(g.ConstInt64Scalar(horizon), g.ConstBool(true), [obs, prevRows, zeros, zeros], body.ToGraph());
            total = outs[2];
            dSum = outs[3];
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

    private static (OnnxValue Total, OnnxValue DSum) Unrolled(OnnxGraphBuilder g, EnsembleForward forward, RolloutCostOptions cost,
        OnnxValue lambda, OnnxValue rate, OnnxValue obs, OnnxValue actions, OnnxValue prev, int horizon)
    {
        OnnxValue total = OnnxValue.None, dSum = OnnxValue.None;
        OnnxValue alive = OnnxValue.None; // [P] 1 until a predicted state is terminal, then 0 (with a termination)
        float weight = 1f;
        for (int t = 0; t < horizon; t++)
        {
            OnnxValue a = g.Gather(actions, t, axis: 1);
            var (next, c, d) = Step(g, forward, cost, lambda, rate, obs, a, prev);
            // Step t's cost is from the state before it, so it counts while no earlier predicted state was terminal.
            if (t > 0 && !alive.IsNone) c = g.Mul(c, alive);
            if (weight < 1f) c = g.Mul(c, g.Const(weight));
            if (cost.Terminates && t + 1 < horizon)
            {
                OnnxValue stillIn = g.Cast(g.Not(cost.Termination!.Build(g, next)), OnnxDataType.Float);
                alive = alive.IsNone ? stillIn : g.Mul(alive, stillIn);
            }
            weight *= cost.Discount;
            total = t == 0 ? c : g.Add(total, c);
            dSum = t == 0 ? d : g.Add(dSum, d);
            obs = next;
            prev = a;
        }
        return (total, dSum);
    }

    /// <summary>One horizon step: next observation, the step's cost and its disagreement.</summary>
    private static (OnnxValue Next, OnnxValue Cost, OnnxValue D) Step(OnnxGraphBuilder g, EnsembleForward forward, RolloutCostOptions cost,
        OnnxValue lambda, OnnxValue rate, OnnxValue obs, OnnxValue a, OnnxValue prev)
    {
        var s = forward.Step(g, obs, a);
        OnnxValue c = cost.Analytic is { } analytic ? analytic.Build(g, obs, a) : g.Neg(s.Reward);
        if (cost.UncertaintyLambda > 0) c = g.Add(c, g.Mul(lambda, s.Disagreement));
        if (cost.ActionRateWeight > 0) c = g.Add(c, g.Mul(rate, g.ReduceSumSquare(g.Sub(a, prev), [1], keepDims: false)));
        if (cost.ExplorationBonus > 0) c = g.Sub(c, g.Mul(g.Const(cost.ExplorationBonus), s.Disagreement));
        return (s.NextObs, c, s.Disagreement);
    }
}
