using Robotics.Core.Robots;

namespace Robotics.Safety;

/// <summary>
/// The gate on the command path: every command goes through <see cref="Apply"/> before a driver sees it.
/// </summary>
public interface ICommandGate
{
    /// <summary>
    /// Real-time, allocation-free. Vets <paramref name="proposed"/> (the planner's action for
    /// <paramref name="state"/>) and writes what may be sent into <paramref name="command"/>'s Action and
    /// Safety fields. <paramref name="candidates"/> are alternative actions [k, act_dim] in the planner's
    /// order of preference (may be empty), from which a veto picks a replacement.
    /// </summary>
    SafetyDecision Apply(StateBuffer state, ReadOnlySpan<float> proposed, ReadOnlySpan<float> candidates, CommandBuffer command);
}

/// <summary>No checks: copies the proposal. For benchmarks and for comparisons with the real gate only.</summary>
public sealed class PassThroughGate : ICommandGate
{
    public SafetyDecision Apply(StateBuffer state, ReadOnlySpan<float> proposed, ReadOnlySpan<float> candidates, CommandBuffer command)
    {
        proposed.CopyTo(command.Action);
        command.Safety = SafetyDecision.Ok;
        return SafetyDecision.Ok;
    }
}
