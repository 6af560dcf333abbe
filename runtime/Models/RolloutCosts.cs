using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Models;

/// <summary>
/// Maps a planner's <see cref="CostSettings"/> onto the cost a fused rollout graph computes, so the fused and
/// step-by-step paths sum the same terms. The analytic cost's ONNX form comes from the cost itself
/// (<see cref="IAnalyticCost.GraphForm"/>).
/// </summary>
public static class RolloutCosts
{
    /// <summary>
    /// Not real-time. The rollout cost equal to <paramref name="settings"/>.Build(analytic, ...), or null when
    /// the analytic cost in use has no ONNX form (then planners keep the step-by-step path).
    /// </summary>
    public static RolloutCostOptions? For(CostSettings settings, IAnalyticCost? analytic)
    {
        IGraphCost? graphCost = null;
        if (analytic is not null && !settings.PreferLearnedReward)
        {
            graphCost = analytic.GraphForm;
            if (graphCost is null) return null;
        }
        return new RolloutCostOptions
        {
            Analytic = graphCost,
            UncertaintyLambda = settings.UncertaintyLambda,
            ActionRateWeight = settings.ActionRateWeight,
            ExplorationBonus = settings.ExplorationBonus,
        }.Validate();
    }
}
