namespace Robotics.Runtime.Planning.Costs;

/// <summary>The model's learned reward, as a cost (minus the reward, times a weight).</summary>
public sealed class LearnedRewardCost(float weight = 1f) : ICostTerm
{
    public void Add(in CostInputs x, Span<float> total)
    {
        for (int p = 0; p < x.Count; p++) total[p] -= weight * x.Reward[p];
    }
}
