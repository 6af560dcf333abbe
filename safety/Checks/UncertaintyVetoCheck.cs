using Robotics.Core.Models;

namespace Robotics.Safety.Checks;

/// <summary>
/// Options for <see cref="UncertaintyVetoCheck"/>: the veto threshold is the model card's calibrated
/// uncertainty p99 (card section uncertainty, validation split) times <paramref name="ThresholdFactor"/>.
/// </summary>
public sealed record UncertaintyVetoOptions(double ThresholdFactor = 1.0)
{
    public UncertaintyVetoOptions Validate()
    {
        if (!(ThresholdFactor > 0) || !double.IsFinite(ThresholdFactor))
            throw new ArgumentException($"safety uncertainty veto: threshold factor must be finite and > 0, got {ThresholdFactor}");
        return this;
    }

    /// <summary>The threshold for <paramref name="predictor"/>; throws when it has no usable calibration.</summary>
    public float ThresholdFor(ISafetyPredictor predictor)
    {
        double p99 = predictor.Calibration?.P99 ?? double.NaN;
        if (!(p99 > 0) || !double.IsFinite(p99))
            throw new ArgumentException(
                $"safety uncertainty veto: {predictor.Description} has uncertainty p99 {p99}; a calibrated threshold > 0 is required");
        return (float)(p99 * ThresholdFactor);
    }
}

/// <summary>
/// Check 6: vetoes an action whose ensemble disagreement D(s, a) is above the threshold, i.e. where the
/// model has seen too little data to be trusted.
/// </summary>
public sealed class UncertaintyVetoCheck(UncertaintyVetoOptions options, float threshold) : CheckCounter(SafetyCheck.UncertaintyVeto)
{
    public UncertaintyVetoOptions Options { get; } = options;
    public float Threshold { get; } = threshold;

    /// <summary>Hot path. True when <paramref name="disagreement"/> is above the threshold (or NaN).</summary>
    public bool Vetoes(float disagreement) => !(disagreement <= Threshold);
}
