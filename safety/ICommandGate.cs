using Robotics.Core.Robots;

namespace Robotics.Safety;

/// <summary>
/// The gate on the command path: every command goes through <see cref="Apply"/> before a driver sees it.
/// The session calls <see cref="Reset"/> at each episode start; nobody downcasts to a concrete gate.
/// </summary>
public interface ICommandGate
{
    /// <summary>
    /// Real-time, allocation-free. Vets <paramref name="proposed"/> (the controller's action for
    /// <paramref name="state"/>) and writes what may be sent into <paramref name="command"/>'s Action and
    /// Safety fields. <paramref name="candidates"/> are alternative actions [k, act_dim] in the controller's
    /// order of preference (may be empty), from which a veto picks a replacement.
    /// </summary>
    SafetyDecision Apply(StateBuffer state, ReadOnlySpan<float> proposed, ReadOnlySpan<float> candidates, CommandBuffer command);

    /// <summary>
    /// Real-time, allocation-free. Writes the robot's own safe action into <paramref name="command"/>, marked
    /// fallback (e-stop while the latch holds): for a stop, a missed deadline, a fault or a silent robot. It is
    /// never vetoed, held or rate-limited, because what a veto falls back to is this action; a gate that vetted it
    /// could send the last planned command instead.
    /// </summary>
    SafetyDecision SendSafeAction(StateBuffer state, ReadOnlySpan<float> safeAction, CommandBuffer command)
    {
        safeAction.CopyTo(command.Action);
        return command.Safety = SafetyDecision.Fallback;
    }

    /// <summary>
    /// Not real-time. Forgets per-episode state: the rate limit's reference becomes
    /// <paramref name="lastSent"/> (what the robot last received), or the safe action when empty.
    /// </summary>
    void Reset(ReadOnlySpan<float> lastSent = default);

    /// <summary>Not real-time. The counters so far (per episode with <see cref="SafetyCounts.Since"/>).</summary>
    SafetyCounts Snapshot();

    /// <summary>The checks that run (none for the pass-through gate).</summary>
    SafetyChecks ActiveChecks { get; }
}

/// <summary>No checks: copies the proposal. For benchmarks and for comparisons with the real gate only.</summary>
public sealed class PassThroughGate : ICommandGate
{
    private long _ticks;

    public SafetyDecision Apply(StateBuffer state, ReadOnlySpan<float> proposed, ReadOnlySpan<float> candidates, CommandBuffer command)
    {
        proposed.CopyTo(command.Action);
        command.Safety = SafetyDecision.Ok;
        Interlocked.Increment(ref _ticks);
        return SafetyDecision.Ok;
    }

    public void Reset(ReadOnlySpan<float> lastSent = default) { }

    public SafetyCounts Snapshot()
    {
        long ticks = Interlocked.Read(ref _ticks);
        var byDecision = new long[5];
        byDecision[(int)SafetyDecision.Ok] = ticks;
        return new SafetyCounts(ticks, new long[SafetyCheckText.Count], byDecision);
    }

    public SafetyChecks ActiveChecks => SafetyChecks.None;
}
