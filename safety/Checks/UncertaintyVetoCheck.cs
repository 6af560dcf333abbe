using Robotics.Core.Models;

namespace Robotics.Safety.Checks;

/// <summary>
/// Options for <see cref="UncertaintyVetoCheck"/>: the veto threshold is the model card's calibrated
/// disagreement p99 (validation split) times <paramref name="ThresholdFactor"/>.
/// </summary>
public sealed record UncertaintyVetoOptions(double ThresholdFactor = 1.0)
{
    public UncertaintyVetoOptions Validate()
    {
        if (!(ThresholdFactor > 0) || !double.IsFinite(ThresholdFactor))
            throw new ArgumentException($"safety uncertainty veto: threshold factor must be finite and > 0, got {ThresholdFactor}");
        return this;
    }

    /// <summary>The threshold for <paramref name="card"/>; throws when the card has no usable calibration.</summary>
    public float ThresholdFor(ModelCard card)
    {
        if (!(card.DisagreementP99 > 0) || !double.IsFinite(card.DisagreementP99))
            throw new ArgumentException(
                $"safety uncertainty veto: model card disagreement_p99 is {card.DisagreementP99}; a calibrated threshold > 0 is required");
        return (float)(card.DisagreementP99 * ThresholdFactor);
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
