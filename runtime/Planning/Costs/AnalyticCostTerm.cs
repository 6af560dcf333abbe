using Robotics.Core.Models;

namespace Robotics.Runtime.Planning.Costs;

/// <summary>
/// The environment's own cost written on observations (<see cref="IAnalyticCost"/>), evaluated on the
/// predicted observation before each step, as Gymnasium rewards are.
/// </summary>
public sealed class AnalyticCostTerm(IAnalyticCost cost, int obsDim, int actDim, float weight = 1f) : ICostTerm
{
    public void Add(in CostInputs x, Span<float> total)
    {
        for (int p = 0; p < x.Count; p++)
            total[p] += weight * cost.Cost(x.Obs.Slice(p * obsDim, obsDim), x.Actions.Slice(p * actDim, actDim));
    }
}
