using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Safety.Audit;
using Robotics.Safety.Checks;

namespace Robotics.Safety;

/// <summary>
/// Everything the gate can be told, one options record per check. Validated against the robot and the
/// model once, at start-up (<see cref="SafetyGate.Create"/>), with a message naming the bad setting.
/// A check runs when it is in <see cref="Enabled"/> and has what it needs: the model checks need a model,
/// state limits need a safe set, the rate limit needs per-dimension limits.
/// </summary>
public sealed record SafetyGateOptions
{
    public SafetyChecks Enabled { get; init; } = SafetyChecks.All;
    public InputSanityOptions InputSanity { get; init; } = new();
    /// <summary>Null: three control periods of the robot.</summary>
    public StalenessOptions? Staleness { get; init; }
    /// <summary>Null: the robot's action space.</summary>
    public ActionLimitsOptions? ActionLimits { get; init; }
    /// <summary>Null: no rate limit.</summary>
    public RateLimitOptions? RateLimit { get; init; }
    /// <summary>Null: no safe set, so no state-limit check.</summary>
    public StateLimitsOptions? StateLimits { get; init; }
    public UncertaintyVetoOptions Uncertainty { get; init; } = new();
    /// <summary>What replaces a vetoed proposal: best candidate, a bounded hold, the safe action.</summary>
    public VetoFallbackOptions Fallback { get; init; } = new();
    /// <summary>
    /// Most candidate actions evaluated on a veto (the planner's first ones, in its order of preference).
    /// Must not exceed the batch the model was prepared for.
    /// </summary>
    public int MaxCandidates { get; init; } = 64;
    /// <summary>Inline logging (default) or a queue drained off the control loop.</summary>
    public SafetyAuditOptions Audit { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that does not fit the robot or model.</summary>
    public SafetyGateOptions Validate(RobotSpec spec, ISafetyPredictor? model)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        int obsDim = spec.ObservationSpace.Dimension, actDim = spec.ActionSpace.Dimension;
        if ((Enabled & ~SafetyChecks.All) != 0) throw new ArgumentException($"safety: unknown checks in enabled set {Enabled}");
        if (MaxCandidates < 0) throw new ArgumentException($"safety: max candidates must be >= 0, got {MaxCandidates}");
        InputSanity.Validate();
        Staleness?.Validate();
        (ActionLimits ?? ActionLimitsOptions.From(spec.ActionSpace)).Validate(spec.ActionSpace, spec.SafeAction);
        RateLimit?.Validate(actDim);
        StateLimits?.Validate(obsDim);
        Uncertainty.Validate();
        Fallback.Validate();
        Audit.Validate();
        if (model is not null)
        {
            if (model.ObsDim != obsDim || model.ActDim != actDim)
                throw new ArgumentException(
                    $"safety: model is for obs {model.ObsDim} / action {model.ActDim} dims, robot '{spec.Id}' has {obsDim} / {actDim}");
            if (Enabled.Includes(SafetyCheck.UncertaintyVeto))
            {
                Uncertainty.ThresholdFor(model);
                Uncertainty.RequireCalibratedHysteresis(model);
            }
            if (model.MaxBatch < Math.Max(1, MaxCandidates))
                throw new ArgumentException($"safety: the predictor takes {model.MaxBatch} rows per call, fewer than max candidates {MaxCandidates}");
        }
        else if (StateLimits is not null && Enabled.Includes(SafetyCheck.StateLimits))
        {
            throw new ArgumentException("safety: state limits are configured but there is no model to predict the next state");
        }
        return this;
    }
}
