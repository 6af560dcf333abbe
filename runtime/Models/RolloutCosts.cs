using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Runtime.Planning.Costs;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Models;

/// <summary>
/// Maps a planner's <see cref="CostSettings"/> onto the cost a fused rollout graph computes, so the fused and
/// step-by-step paths sum the same terms. Environments whose analytic cost has an ONNX form are listed here.
/// </summary>
public static class RolloutCosts
{
    /// <summary>The ONNX form of an environment's analytic cost (with that cost's parameters), or null when it has none.</summary>
    public static IGraphCost? GraphCostFor(string envId, IAnalyticCost? analytic = null) => (envId, analytic) switch
    {
        ("pendulum", _) => new PendulumGraphCost(),
        ("reacher2d", Reacher2DCost c) => new Reacher2DGraphCost((float)c.Parameters.MaxTorque, (float)c.Parameters.ControlCostWeight),
        ("cartpole-swingup", CartpoleSwingupCost c) => new CartpoleSwingupGraphCost((float)c.Parameters.PoleLength, (float)c.Parameters.MaxForce, (float)c.Parameters.ControlCostWeight),
        _ => null,
    };

    /// <summary>
    /// Not real-time. The rollout cost equal to <paramref name="settings"/>.Build(analytic, ...), or null when
    /// the analytic cost in use has no ONNX form (then planners keep the step-by-step path).
    /// </summary>
    public static RolloutCostOptions? For(CostSettings settings, string envId, IAnalyticCost? analytic)
    {
        IGraphCost? graphCost = null;
        if (analytic is not null && !settings.PreferLearnedReward)
        {
            graphCost = GraphCostFor(envId, analytic);
            if (graphCost is null) return null;
        }
        return new RolloutCostOptions
        {
            Analytic = graphCost,
            UncertaintyLambda = settings.UncertaintyLambda,
            ActionRateWeight = settings.ActionRateWeight,
        }.Validate();
    }
}
