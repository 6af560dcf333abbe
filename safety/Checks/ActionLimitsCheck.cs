using Robotics.Core.Spaces;

namespace Robotics.Safety.Checks;

/// <summary>
/// Options for <see cref="ActionLimitsCheck"/>: the box an action is clamped into. Must lie inside the
/// robot's action space and contain its safe action; defaults to the action space itself.
/// </summary>
public sealed record ActionLimitsOptions(float[] Low, float[] High)
{
    public static ActionLimitsOptions From(BoxSpace actionSpace) => new((float[])actionSpace.Low.Clone(), (float[])actionSpace.High.Clone());

    public ActionLimitsOptions Validate(BoxSpace actionSpace, ReadOnlySpan<float> safeAction)
    {
        int n = actionSpace.Dimension;
        if (Low is null || High is null || Low.Length != n || High.Length != n)
            throw new ArgumentException($"safety action limits: low and high need {n} values (the action dimension)");
        for (int i = 0; i < n; i++)
        {
            string name = actionSpace.Names[i];
            if (float.IsNaN(Low[i]) || float.IsNaN(High[i]) || Low[i] > High[i])
                throw new ArgumentException($"safety action limits: '{name}' has invalid bounds [{Low[i]}, {High[i]}]");
            if (Low[i] < actionSpace.Low[i] || High[i] > actionSpace.High[i])
                throw new ArgumentException(
                    $"safety action limits: '{name}' [{Low[i]}, {High[i]}] is wider than the action space [{actionSpace.Low[i]}, {actionSpace.High[i]}]");
            if (safeAction[i] < Low[i] || safeAction[i] > High[i])
                throw new ArgumentException($"safety action limits: '{name}' [{Low[i]}, {High[i]}] excludes the safe action {safeAction[i]}");
        }
        return this;
    }
}

/// <summary>Check 4: clamps the action into a box (decision "clamped"); a NaN action cannot be clamped and falls back.</summary>
public sealed class ActionLimitsCheck : CheckCounter
{
    private readonly float[] _low, _high;

    public ActionLimitsCheck(ActionLimitsOptions options) : base(SafetyCheck.ActionLimits)
    {
        Options = options;
        _low = (float[])options.Low.Clone();
        _high = (float[])options.High.Clone();
    }

    public ActionLimitsOptions Options { get; }

    /// <summary>
    /// Hot path, allocation-free. Clamps <paramref name="action"/> in place. Returns the first dimension
    /// changed (-1 when none) with the original value and the bound; <paramref name="nan"/> is true when a
    /// value is NaN (the action is unusable).
    /// </summary>
    public int Clamp(Span<float> action, out float value, out float bound, out bool nan)
    {
        int first = -1; value = 0; bound = 0; nan = false;
        for (int i = 0; i < action.Length; i++)
        {
            float v = action[i];
            if (float.IsNaN(v)) { nan = true; value = v; bound = float.NaN; return i; }
            float c = v < _low[i] ? _low[i] : v > _high[i] ? _high[i] : v;
            if (c != v)
            {
                if (first < 0) { first = i; value = v; bound = c; }
                action[i] = c;
            }
        }
        return first;
    }
}
