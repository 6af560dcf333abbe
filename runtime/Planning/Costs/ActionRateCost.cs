namespace Robotics.Runtime.Planning.Costs;

/// <summary>weight x ||a_t - a_(t-1)||^2: penalises jerky plans (and, at t = 0, jumps from the last command).</summary>
public sealed class ActionRateCost : ICostTerm
{
    private readonly float _weight;
    private readonly int _actDim;

    public ActionRateCost(float weight, int actDim)
    {
        if (!(weight >= 0) || !float.IsFinite(weight))
            throw new ArgumentException($"action-rate cost: weight must be finite and >= 0, got {weight}");
        _weight = weight;
        _actDim = actDim;
    }

    public void Add(in CostInputs x, Span<float> total)
    {
        for (int p = 0; p < x.Count; p++)
        {
            float s = 0;
            int o = p * _actDim;
            for (int j = 0; j < _actDim; j++)
            {
                float d = x.Actions[o + j] - x.PreviousActions[o + j];
                s += d * d;
            }
            total[p] += _weight * s;
        }
    }
}
