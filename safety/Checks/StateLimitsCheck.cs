namespace Robotics.Safety.Checks;

/// <summary>
/// Options for <see cref="StateLimitsCheck"/>: the safe set, a box over the observation the model
/// predicts one step ahead. Infinite bounds leave a dimension free.
/// </summary>
public sealed record StateLimitsOptions(float[] Low, float[] High)
{
    public StateLimitsOptions Validate(int obsDim)
    {
        if (Low is null || High is null || Low.Length != obsDim || High.Length != obsDim)
            throw new ArgumentException($"safety state limits: low and high need {obsDim} values (the observation dimension)");
        for (int i = 0; i < obsDim; i++)
            if (float.IsNaN(Low[i]) || float.IsNaN(High[i]) || Low[i] > High[i])
                throw new ArgumentException($"safety state limits: dimension {i} has invalid bounds [{Low[i]}, {High[i]}]");
        return this;
    }
}

/// <summary>Check 5b: vetoes an action whose predicted next state leaves the safe set.</summary>
public sealed class StateLimitsCheck : CheckCounter
{
    private readonly float[] _low, _high;

    public StateLimitsCheck(StateLimitsOptions options) : base(SafetyCheck.StateLimits)
    {
        Options = options;
        _low = (float[])options.Low.Clone();
        _high = (float[])options.High.Clone();
    }

    public StateLimitsOptions Options { get; }

    /// <summary>Hot path, allocation-free. First dimension outside the safe set (-1 when inside), with the bound it crossed.</summary>
    public int FindViolation(ReadOnlySpan<float> predictedObs, out float bound)
    {
        bound = 0;
        for (int i = 0; i < predictedObs.Length; i++)
        {
            float v = predictedObs[i];
            // Written so that NaN is outside.
            if (!(v >= _low[i])) { bound = _low[i]; return i; }
            if (!(v <= _high[i])) { bound = _high[i]; return i; }
        }
        return -1;
    }
}
