namespace Robotics.Safety.Checks;

/// <summary>
/// Check 5a: a model that predicts a non-finite next state or disagreement vetoes its own use; a broken
/// model must never make an action look safe.
/// </summary>
public sealed class ModelOutputCheck() : CheckCounter(SafetyCheck.ModelOutput)
{
    /// <summary>Hot path, allocation-free. Returns the first non-finite next-state dimension, <c>obs_dim</c> for a non-finite disagreement, or -1.</summary>
    public static int FindNonFinite(ReadOnlySpan<float> nextObs, float disagreement)
    {
        for (int i = 0; i < nextObs.Length; i++)
            if (!float.IsFinite(nextObs[i])) return i;
        return float.IsFinite(disagreement) ? -1 : nextObs.Length;
    }
}
