using Robotics.Core.Spaces;

namespace Robotics.Safety.Checks;

/// <summary>
/// Options for <see cref="InputSanityCheck"/>. <paramref name="Tolerance"/> widens the observation space's
/// bounds (absolute, per dimension) for sensors that read slightly past their nominal range.
/// </summary>
public sealed record InputSanityOptions(float Tolerance = 0f)
{
    public InputSanityOptions Validate()
    {
        if (!(Tolerance >= 0) || !float.IsFinite(Tolerance))
            throw new ArgumentException($"safety input sanity: tolerance must be finite and >= 0, got {Tolerance}");
        return this;
    }
}

/// <summary>Check 1: an observation with NaN/Inf or outside the observation space gets the safe action.</summary>
public sealed class InputSanityCheck : CheckCounter
{
    private readonly float[] _low, _high;

    public InputSanityCheck(BoxSpace observationSpace, InputSanityOptions options) : base(SafetyCheck.InputSanity)
    {
        Options = options.Validate();
        _low = new float[observationSpace.Dimension];
        _high = new float[observationSpace.Dimension];
        for (int i = 0; i < _low.Length; i++)
        {
            _low[i] = observationSpace.Low[i] - options.Tolerance;
            _high[i] = observationSpace.High[i] + options.Tolerance;
        }
    }

    public InputSanityOptions Options { get; }

    /// <summary>
    /// Hot path, allocation-free. Returns the first offending dimension (or the length when the
    /// dimension count is wrong) and its value and bound; -1 when the observation is sane.
    /// </summary>
    public int FindViolation(ReadOnlySpan<float> obs, out float value, out float bound)
    {
        value = 0; bound = 0;
        if (obs.Length != _low.Length) { value = obs.Length; bound = _low.Length; return obs.Length; }
        for (int i = 0; i < obs.Length; i++)
        {
            float v = obs[i];
            if (!float.IsFinite(v)) { value = v; bound = float.NaN; return i; }
            if (v < _low[i]) { value = v; bound = _low[i]; return i; }
            if (v > _high[i]) { value = v; bound = _high[i]; return i; }
        }
        return -1;
    }
}
