using Robotics.Core.Models;

namespace Robotics.Safety.Checks;

/// <summary>
/// Options for <see cref="UncertaintyVetoCheck"/>. The veto enters when U(s, a) is above the model card's
/// calibrated threshold (card section uncertainty: <c>threshold</c>, or <c>p99</c> on older cards) times <paramref name="ThresholdFactor"/>.
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

    /// <summary>
    /// The entry threshold for <paramref name="predictor"/>: its card's calibrated threshold (or p99 on older
    /// cards) x the factor; throws when it has no usable calibration.
    /// </summary>
    public float ThresholdFor(ISafetyPredictor predictor)
    {
        double t = predictor.Calibration?.VetoThreshold ?? double.NaN;
        if (!(t > 0) || !double.IsFinite(t))
            throw new ArgumentException(
                $"safety uncertainty veto: {predictor.Description} has uncertainty p99 {t}; a calibrated threshold > 0 is required");
        return (float)(t * ThresholdFactor);
    }

    /// <summary>
    /// Throws when <paramref name="predictor"/>'s card was calibrated on the tick rate under another hysteresis
    /// (card <c>uncertainty.hysteresis</c>): the threshold meets its target false-veto rate only under the hysteresis it
    /// was replayed with. Cards calibrated per transition (no hysteresis recorded) pass.
    /// </summary>
    public void RequireCalibratedHysteresis(ISafetyPredictor predictor)
    {
        if (predictor.Calibration?.Hysteresis is not { } h || MatchesHysteresis(h)) return;
        var c = predictor.Calibration!;
        throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"safety uncertainty veto: {predictor.Description} was calibrated ({c.ThresholdMethod}, false-veto rate {c.TargetFalseVetoRate}) with hysteresis exit fraction {h.ExitFraction}, min veto ticks {h.MinVetoTicks}, but the gate runs exit fraction {ExitFraction}, min veto ticks {MinVetoTicks}; run the gate with the card's hysteresis or re-calibrate with robotics-train calibrate --exit-fraction {ExitFraction} --min-veto-ticks {MinVetoTicks}"));
    }

    /// <summary>True when this hysteresis is the one <paramref name="h"/> records (exit fractions equal to 1e-9).</summary>
    public bool MatchesHysteresis(VetoHysteresis h) => Math.Abs(h.ExitFraction - ExitFraction) <= 1e-9 && h.MinVetoTicks == MinVetoTicks;

    /// <summary>These options with the hysteresis <paramref name="calibration"/> was calibrated under (unchanged when it records none).</summary>
    public UncertaintyVetoOptions WithCalibratedHysteresis(UncertaintyCalibration? calibration) =>
        calibration?.Hysteresis is { } h ? this with { ExitFraction = h.ExitFraction, MinVetoTicks = h.MinVetoTicks } : this;
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
