using Robotics.Core.Models;

namespace Robotics.Runtime.Planning.Costs;

/// <summary>
/// Which cost terms a planner sums: the environment's analytic cost when one is known (else the learned
/// reward), plus the uncertainty penalty lambda x D and the action-rate cost when their weights are > 0, and
/// minus the exploration bonus beta x D when collecting data to explore (<see cref="ExplorationBonus"/>).
/// </summary>
public sealed record CostSettings
{
    /// <summary>Use the learned reward even when an analytic cost is available.</summary>
    public bool PreferLearnedReward { get; init; }
    public float UncertaintyLambda { get; init; }
    public float ActionRateWeight { get; init; }
    /// <summary>beta: subtracts beta x D so plans seek where the ensemble disagrees (0: off).</summary>
    public float ExplorationBonus { get; init; }

    /// <summary>Not real-time. The cost terms for a model with these dimensions.</summary>
    public IReadOnlyList<ICostTerm> Build(IAnalyticCost? analytic, int obsDim, int actDim)
    {
        var terms = new List<ICostTerm>();
        if (analytic is not null && !PreferLearnedReward) terms.Add(new AnalyticCostTerm(analytic, obsDim, actDim));
        else terms.Add(new LearnedRewardCost());
        if (UncertaintyLambda > 0) terms.Add(new UncertaintyPenalty(UncertaintyLambda));
        if (ActionRateWeight > 0) terms.Add(new ActionRateCost(ActionRateWeight, actDim));
        if (ExplorationBonus > 0) terms.Add(new ExplorationBonusTerm(ExplorationBonus));
        return terms;
    }
}
