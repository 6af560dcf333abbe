namespace Robotics.Runtime.Loop;

/// <summary>
/// What the loop did instead of the controller's plan: ticks whose controller or gate threw (<c>Faults</c>), plans
/// past the deadline (<c>DeadlineMisses</c>), safe actions sent because no fresh state came (<c>StaleTicks</c>), and
/// every safe action the loop itself put in a command for those reasons (<c>SafeActions</c>).
/// </summary>
public readonly record struct LoopCounters(long Faults, long DeadlineMisses, long StaleTicks, long SafeActions)
{
    /// <summary>These counts minus <paramref name="before"/> (one episode's share of a run's).</summary>
    public LoopCounters Since(LoopCounters before) =>
        new(Faults - before.Faults, DeadlineMisses - before.DeadlineMisses, StaleTicks - before.StaleTicks, SafeActions - before.SafeActions);

    /// <summary>"faults 0, deadline misses 0, stale ticks 0, safe actions sent 0".</summary>
    public override string ToString() =>
        $"faults {Faults}, deadline misses {DeadlineMisses}, stale ticks {StaleTicks}, safe actions sent {SafeActions}";
}
