namespace Robotics.Runtime.Loop;

/// <summary>What the control loop asks for an action: a planner, or a fixed policy in tests and benchmarks.</summary>
public interface IPolicy
{
    int ActDim { get; }

    /// <summary>Not real-time. Forgets per-episode state (warm start) before a new episode.</summary>
    void Reset();

    /// <summary>Hot path, allocation-free. Writes the action for <paramref name="obs"/> into <paramref name="action"/>.</summary>
    void Act(ReadOnlySpan<float> obs, Span<float> action);

    /// <summary>
    /// Real-time. Alternative first actions [k, act_dim] from the last <see cref="Act"/>, best first, for the
    /// safety gate to choose from on a veto. Empty when the policy has none.
    /// </summary>
    ReadOnlySpan<float> Candidates { get; }
}
