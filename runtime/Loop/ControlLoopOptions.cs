using Robotics.Core.Episodes;

namespace Robotics.Runtime.Loop;

/// <summary>What makes a real-time loop tick.</summary>
public enum LoopPacing
{
    /// <summary>Act as soon as a new state arrives: the robot's clock paces the loop (default).</summary>
    OnState,
    /// <summary>Act once per control period on the loop's own clock, for robots that must be polled.</summary>
    Timer,
}

/// <summary>How the control loop runs. Immutable; validated when the loop is built.</summary>
public sealed record ControlLoopOptions
{
    /// <summary>True: the robot steps on its own clock and the control period is the loop's deadline. False: lock-step, as fast as the robot answers.</summary>
    public bool Realtime { get; init; } = true;
    /// <summary>In real time: act on each state's arrival, or on a timer. Lock-step loops always act on arrival.</summary>
    public LoopPacing Pacing { get; init; } = LoopPacing.OnState;
    /// <summary>Steps after which an episode is cut (truncated) when the robot itself never ends one; sizes the recorder.</summary>
    public int MaxEpisodeSteps { get; init; } = 10_000;
    /// <summary>
    /// How long to wait for an episode's first state, and, lock-step, for each state, before giving up on the robot.
    /// A real-time loop mid-episode never gives up: it waits safe (<see cref="StaleAfter"/>).
    /// </summary>
    public TimeSpan StateTimeout { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// Real time: with no new state for this long the loop sends the safe action (counted as a stale tick), and again
    /// every such interval until states return. Null: three control periods (the gate's staleness default).
    /// </summary>
    public TimeSpan? StaleAfter { get; init; }
    /// <summary>
    /// Real time: a plan that took longer than this answers a state the robot has moved past, so the safe action
    /// goes out instead (counted as a deadline miss). Null: two control periods; <see cref="Timeout.InfiniteTimeSpan"/>: off.
    /// Lock-step robots wait for the plan, so no deadline applies there.
    /// </summary>
    public TimeSpan? PlanDeadline { get; init; }
    /// <summary>
    /// Ticks in a row whose controller or gate threw (each answered with the safe action) after which the run ends
    /// with a <see cref="ControlFaultException"/>; a tick that works resets the streak.
    /// </summary>
    public int MaxConsecutiveFaults { get; init; } = 5;
    /// <summary>How long the robot may apply a command; 0 leaves it to the driver (the robot address's <c>ttl_ms=</c>, default 200 ms).</summary>
    public int CommandTtlMs { get; init; }
    public string RobotId { get; init; } = "robot";
    public DataSource Source { get; init; } = DataSource.Sim;
    /// <summary>Record every transition (needed for --record and for learning from the run).</summary>
    public bool Record { get; init; } = true;

    public ControlLoopOptions Validate()
    {
        if (MaxEpisodeSteps is < 1 or > 10_000_000)
            throw new ArgumentException($"control loop: max episode steps must be in [1, 10000000], got {MaxEpisodeSteps}");
        if (StateTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"control loop: state timeout must be positive, got {StateTimeout}");
        if (StaleAfter is { } stale && stale <= TimeSpan.Zero)
            throw new ArgumentException($"control loop: stale-after must be positive, got {stale}");
        if (PlanDeadline is { } deadline && deadline <= TimeSpan.Zero && deadline != Timeout.InfiniteTimeSpan)
            throw new ArgumentException($"control loop: plan deadline must be positive (or infinite), got {deadline}");
        if (MaxConsecutiveFaults is < 1 or > 1_000_000)
            throw new ArgumentException($"control loop: max consecutive faults must be in [1, 1000000], got {MaxConsecutiveFaults}");
        if (CommandTtlMs < 0)
            throw new ArgumentException($"control loop: command ttl must be >= 0 ms, got {CommandTtlMs}");
        if (string.IsNullOrWhiteSpace(RobotId))
            throw new ArgumentException("control loop: robot id is empty");
        return this;
    }
}
