using Robotics.Core.Models;

namespace Robotics.Safety.Checks;

/// <summary>
/// Options for <see cref="UncertaintyVetoCheck"/>. The veto enters when U(s, a) is above the model card's
/// calibrated threshold (card section uncertainty, <c>P99</c>) times <paramref name="ThresholdFactor"/>.
/// Hysteresis, so the veto does not chatter tick to tick: once it has fired, the threshold drops to
/// <paramref name="ExitFraction"/> x the entry threshold (for the proposal and for every replacement) and the
/// veto stays on for at least <paramref name="MinVetoTicks"/> consecutive decided ticks; it leaves on the first
/// later proposal at or below the exit threshold. <c>ExitFraction = 1, MinVetoTicks = 1</c> is no hysteresis.
/// </summary>
public sealed record UncertaintyVetoOptions(double ThresholdFactor = 1.0, double ExitFraction = 0.9, int MinVetoTicks = 2)
{
    public UncertaintyVetoOptions Validate()
    {
        if (!(ThresholdFactor > 0) || !double.IsFinite(ThresholdFactor))
            throw new ArgumentException($"safety uncertainty veto: threshold factor must be finite and > 0, got {ThresholdFactor}");
        if (!(ExitFraction > 0 && ExitFraction <= 1))
            throw new ArgumentException($"safety uncertainty veto: exit fraction must be in (0, 1], got {ExitFraction}");
        if (MinVetoTicks < 1)
            throw new ArgumentException($"safety uncertainty veto: min veto ticks must be >= 1, got {MinVetoTicks}");
        return this;
    }

    /// <summary>The entry threshold for <paramref name="predictor"/>; throws when it has no usable calibration.</summary>
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
/// Check 6: vetoes an action whose uncertainty U(s, a) is above the threshold, i.e. where the model has seen
/// too little data to be trusted, with the hysteresis of <see cref="UncertaintyVetoOptions"/>. Holds the
/// veto's state (on/off, ticks on); driven by the control loop thread only.
/// </summary>
public sealed class UncertaintyVetoCheck(UncertaintyVetoOptions options, float threshold) : CheckCounter(SafetyCheck.UncertaintyVeto)
{
    private int _ticksOn;

    public UncertaintyVetoOptions Options { get; } = options;
    /// <summary>Entry threshold: U above it vetoes.</summary>
    public float Threshold { get; } = threshold;
    /// <summary>Exit threshold: while the veto is on, U above it still vetoes.</summary>
    public float ExitThreshold { get; } = (float)(threshold * options.ExitFraction);
    /// <summary>True from the tick the veto fired until a proposal leaves it.</summary>
    public bool IsOn => _ticksOn > 0;
    /// <summary>The threshold in force now (entry when off, exit when on).</summary>
    public float ActiveThreshold => IsOn ? ExitThreshold : Threshold;

    /// <summary>Hot path. True when a replacement with <paramref name="u"/> may not be sent (above the threshold in force, or NaN).</summary>
    public bool Vetoes(float u) => !(u <= ActiveThreshold);

    /// <summary>
    /// Hot path. Decides the controller's proposal and advances the hysteresis: true when it is vetoed;
    /// <paramref name="byHysteresis"/> when only the hysteresis vetoed it (U at or below the entry threshold).
    /// </summary>
    public bool VetoesProposal(float u, out bool byHysteresis)
    {
        byHysteresis = false;
        if (!(u <= Threshold)) { _ticksOn++; return true; }
        if (_ticksOn == 0) return false;
        if (!(u <= ExitThreshold) || _ticksOn < Options.MinVetoTicks)
        {
            _ticksOn++;
            byHysteresis = true;
            return true;
        }
        _ticksOn = 0;
        return false;
    }

    /// <summary>Not real-time. Turns the veto off (episode start).</summary>
    public void ResetHysteresis() => _ticksOn = 0;
}
