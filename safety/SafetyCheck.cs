namespace Robotics.Safety;

/// <summary>The gate's checks, in the order the gate applies them.</summary>
public enum SafetyCheck : byte
{
    InputSanity = 0,
    EStop = 1,
    Staleness = 2,
    ActionLimits = 3,
    RateLimit = 4,
    /// <summary>The model predicted a non-finite next state or disagreement (a broken model vetoes).</summary>
    ModelOutput = 5,
    StateLimits = 6,
    UncertaintyVeto = 7,
}

/// <summary>A set of checks, for <see cref="SafetyGateOptions.Enabled"/>.</summary>
[Flags]
public enum SafetyChecks
{
    None = 0,
    InputSanity = 1 << SafetyCheck.InputSanity,
    EStop = 1 << SafetyCheck.EStop,
    Staleness = 1 << SafetyCheck.Staleness,
    ActionLimits = 1 << SafetyCheck.ActionLimits,
    RateLimit = 1 << SafetyCheck.RateLimit,
    ModelOutput = 1 << SafetyCheck.ModelOutput,
    StateLimits = 1 << SafetyCheck.StateLimits,
    UncertaintyVeto = 1 << SafetyCheck.UncertaintyVeto,
    All = InputSanity | EStop | Staleness | ActionLimits | RateLimit | ModelOutput | StateLimits | UncertaintyVeto,
}

public static class SafetyCheckText
{
    public const int Count = 8;
    private static readonly string[] Names =
        ["input_sanity", "estop", "staleness", "action_limits", "rate_limit", "model_output", "state_limits", "uncertainty_veto"];

    /// <summary>Snake-case name used in logs and summaries (no allocation).</summary>
    public static string ToWire(this SafetyCheck c) => Names[(int)c];

    public static bool Includes(this SafetyChecks set, SafetyCheck c) => (set & (SafetyChecks)(1 << (int)c)) != 0;
}
