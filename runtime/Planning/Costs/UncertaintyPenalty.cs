namespace Robotics.Runtime.Planning.Costs;

/// <summary>
/// lambda x D: steers plans away from where the ensemble disagrees, i.e. where the model has seen no data.
/// </summary>
public sealed class UncertaintyPenalty : ICostTerm
{
    private readonly float _lambda;

    public UncertaintyPenalty(float lambda)
    {
        if (!(lambda >= 0) || !float.IsFinite(lambda))
            throw new ArgumentException($"uncertainty penalty: lambda must be finite and >= 0, got {lambda}");
        _lambda = lambda;
    }

    public void Add(in CostInputs x, Span<float> total)
    {
        for (int p = 0; p < x.Count; p++) total[p] += _lambda * x.Disagreement[p];
    }
}
