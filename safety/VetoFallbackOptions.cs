namespace Robotics.Safety;

/// <summary>
/// What the gate sends when a model check vetoes the proposal: the controller's candidate with the lowest
/// uncertainty that passes every check; else, for at most <paramref name="HoldTicks"/> consecutive ticks, the
/// last command that passed the model checks (re-checked by the model for the current state, and only the
/// hard checks, model output and state limits, must pass: its uncertainty is waived for the hold); else the
/// robot's safe action. <c>HoldTicks = 0</c> turns the hold off. <paramref name="CandidateOrder"/> says which passing
/// candidate is sent.
/// </summary>
public sealed record VetoFallbackOptions(int HoldTicks = 3, VetoCandidateOrder CandidateOrder = VetoCandidateOrder.LowestUncertainty)
{
    public VetoFallbackOptions Validate()
    {
        if (HoldTicks is < 0 or > 1000)
            throw new ArgumentException($"safety veto fallback: hold ticks must be in [0, 1000], got {HoldTicks}");
        if (!Enum.IsDefined(CandidateOrder))
            throw new ArgumentException($"safety veto fallback: unknown candidate order {CandidateOrder}");
        return this;
    }
}

/// <summary>Which of the candidates that pass every check replaces a vetoed proposal.</summary>
public enum VetoCandidateOrder : byte
{
    /// <summary>The one of lowest uncertainty (earliest on ties).</summary>
    LowestUncertainty = 0,
    /// <summary>
    /// The first in the planner's order (its best-cost passing candidate): every passing candidate is trusted by the
    /// veto, so the task decides among them (cost minimised subject to U below the threshold).
    /// </summary>
    PlannerOrder = 1,
}

/// <summary>What replaced a vetoed proposal (counted in <see cref="SafetyCounts"/>).</summary>
public enum VetoChoice : byte
{
    /// <summary>The controller's candidate of lowest uncertainty that passed.</summary>
    Candidate = 0,
    /// <summary>The last command that passed, held for a bounded number of ticks.</summary>
    Hold = 1,
    /// <summary>The robot's safe action.</summary>
    SafeAction = 2,
}

public static class VetoChoiceText
{
    public const int Count = 3;
    private static readonly string[] Names = ["candidate", "hold", "safe_action"];

    public static string ToWire(this VetoChoice c) => Names[(int)c];
}
