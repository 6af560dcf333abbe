namespace Robotics.Safety.Checks;

/// <summary>
/// What every check has: its identity and a thread-safe count of the ticks it acted on (clamped, vetoed or
/// replaced the command). The loop increments; anyone may read.
/// </summary>
public abstract class CheckCounter(SafetyCheck check)
{
    private long _count;

    public SafetyCheck Check { get; } = check;
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Real-time: one more tick this check acted on.</summary>
    internal void Hit() => Interlocked.Increment(ref _count);

    internal void ResetCount() => Interlocked.Exchange(ref _count, 0);
}
