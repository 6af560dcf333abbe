using Robotics.Core.Robots;

namespace Robotics.Safety.Checks;

/// <summary>Options for <see cref="StalenessCheck"/>: how old a state may be when its command is decided.</summary>
public sealed record StalenessOptions(TimeSpan Timeout)
{
    /// <summary>A timeout of <paramref name="periods"/> control periods.</summary>
    public static StalenessOptions ForControlPeriod(TimeSpan controlPeriod, double periods = 3) => new(controlPeriod * periods);

    public StalenessOptions Validate()
    {
        if (Timeout <= TimeSpan.Zero)
            throw new ArgumentException($"safety staleness: timeout must be positive, got {Timeout}");
        return this;
    }
}

/// <summary>
/// Check 3 (watchdog): a state older than the timeout, measured on the injected <see cref="TimeProvider"/>
/// from <see cref="StateBuffer.ReceivedTimestamp"/>, gets the safe action.
/// </summary>
public sealed class StalenessCheck(StalenessOptions options, TimeProvider time) : CheckCounter(SafetyCheck.Staleness)
{
    public StalenessOptions Options { get; } = options.Validate();

    /// <summary>Hot path, allocation-free. True when the state is too old; its age in <paramref name="age"/>.</summary>
    public bool IsStale(StateBuffer state, out TimeSpan age)
    {
        age = time.GetElapsedTime(state.ReceivedTimestamp);
        return age > Options.Timeout;
    }
}
