namespace Robotics.Trainer.Policies;

/// <summary>Maps an observation to an action; used to collect data in simulation.</summary>
public interface IPolicy
{
    /// <summary>Name recorded with collected data (e.g. "random").</summary>
    string Name { get; }

    /// <summary>Called at the start of every episode.</summary>
    void Reset();

    /// <summary>Hot path: writes the action for <paramref name="obs"/> into <paramref name="action"/> without allocating.</summary>
    void Act(ReadOnlySpan<float> obs, Span<float> action);
}
