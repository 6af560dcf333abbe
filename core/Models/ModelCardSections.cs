namespace Robotics.Core.Models;

/// <summary>A box space as written in a model card.</summary>
public sealed record CardSpace(string[] Names, float[] Low, float[] High);

/// <summary>
/// Card section <c>ensemble</c>: members trained, elites kept in the graphs, and how the graph computes its
/// disagreement output (<see cref="DisagreementMeasures"/>; absent on cards written before issue 19, which means
/// "max-member-l2").
/// </summary>
public sealed record EnsembleSection(int Size, int Elites)
{
    public string Disagreement { get; init; } = DisagreementMeasures.MaxMemberL2;

    /// <summary>The parsed <see cref="Disagreement"/> (the card's validation has checked it).</summary>
    [System.Text.Json.Serialization.JsonIgnore] public DisagreementMeasure Measure => DisagreementMeasures.Parse(Disagreement);
}

/// <summary>
/// Card section <c>uncertainty</c>: how the model's one-step uncertainty U(s, a) is computed and its
/// calibration on held-out data. The safety gate vetoes when U exceeds <see cref="VetoThreshold"/> x its
/// factor: <see cref="Threshold"/> when the card has one (set by <see cref="ThresholdMethod"/> at
/// <see cref="TargetFalseVetoRate"/>, see <see cref="ConformalThreshold"/>), else <see cref="P99"/> (older cards).
/// </summary>
public sealed record UncertaintyCalibration
{
    public const string EnsembleDisagreement = "ensemble-disagreement";

    /// <summary>The gate's threshold at factor 1: <see cref="Threshold"/>, else <see cref="P99"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public double VetoThreshold => Threshold ?? P99;
    /// <summary>Veto threshold at factor 1, from <see cref="ThresholdMethod"/>; null on cards written before it existed.</summary>
    public double? Threshold { get; init; }
    /// <summary>How <see cref="Threshold"/> was set, e.g. "split-conformal".</summary>
    public string? ThresholdMethod { get; init; }
    /// <summary>The share of in-distribution transitions the threshold is meant to veto (e.g. 0.01).</summary>
    public double? TargetFalseVetoRate { get; init; }
    /// <summary>Held-out transitions the threshold was computed from.</summary>
    public long? CalibrationTransitions { get; init; }
    /// <summary>Recorded episodes among the calibration transitions (the rest are single held-out rows); null when not recorded.</summary>
    public int? CalibrationEpisodes { get; init; }
    /// <summary>Where they came from (e.g. "validation split of the training data", or folders and digests).</summary>
    public string? CalibrationData { get; init; }

    /// <summary>
    /// How training split its transitions (null on cards written before it was recorded): with the same transitions in
    /// the same order, the trainer's <c>HeldOutRows</c> gives back the rows it held out, so a re-calibration can pool
    /// them with new episodes.
    /// </summary>
    public HeldOutSplit? TrainingSplit { get; init; }

    /// <summary>
    /// The gate's hysteresis the threshold was calibrated with (method <c>conformal-risk-control-ticks</c>: the rate is
    /// of ticks vetoed, hysteresis included); null when the rate is of single transitions (<c>split-conformal</c>).
    /// </summary>
    public VetoHysteresis? Hysteresis { get; init; }

    /// <summary>How U is computed, e.g. "ensemble-disagreement" (D in normalised output units).</summary>
    public string Method { get; init; } = EnsembleDisagreement;
    /// <summary>99th percentile of U on the validation split: the gate's threshold at factor 1.</summary>
    public required double P99 { get; init; }
    /// <summary>Largest U on the validation split.</summary>
    public required double Max { get; init; }
    /// <summary>Further quantiles by name ("p50", "p90"), for reports.</summary>
    public Dictionary<string, double> Quantiles { get; init; } = new();
}

/// <summary>The uncertainty veto's hysteresis (exit at <paramref name="ExitFraction"/> x threshold, at least <paramref name="MinVetoTicks"/> ticks on).</summary>
public sealed record VetoHysteresis(double ExitFraction, int MinVetoTicks);

/// <summary>The trainer's validation split: the seed of its first shuffle and the share of rows held out.</summary>
public sealed record HeldOutSplit(int Seed, double Fraction);

/// <summary>
/// Card section <c>task_cost</c>: the task whose analytic cost planners use (core's task library) and the
/// parameters it was trained with (e.g. pole_length). An id the library does not know plans on the
/// learned reward.
/// </summary>
public sealed record TaskCostSection(string Task)
{
    public Dictionary<string, double> Parameters { get; init; } = new();
}
