namespace Robotics.Runtime.Planning.Costs;

/// <summary>
/// -beta x D: the ensemble-disagreement exploration bonus. Subtracting the disagreement makes plans seek
/// states the model has not seen, which finds the reward of sparse tasks sooner; used when collecting data,
/// never when evaluating.
/// </summary>
public sealed class ExplorationBonusTerm : ICostTerm
{
    private readonly float _beta;

    public ExplorationBonusTerm(float beta)
    {
        if (!(beta >= 0) || !float.IsFinite(beta))
            throw new ArgumentException($"exploration bonus: beta must be finite and >= 0, got {beta}");
        _beta = beta;
    }

    public void Add(in CostInputs x, Span<float> total)
    {
        for (int p = 0; p < x.Count; p++) total[p] -= _beta * x.Disagreement[p];
    }
}
