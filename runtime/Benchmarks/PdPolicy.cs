using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;

namespace Robotics.Runtime.Benchmarks;

/// <summary>A cheap policy for loop benchmarks: PD torque towards upright on pendulum observations; no candidates.</summary>
public sealed class PdPolicy : IController
{
    public int ActDim => 1;
    public void Reset() { }
    public ReadOnlySpan<float> Candidates => ReadOnlySpan<float>.Empty;
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }
    public void Dispose() { }

    /// <summary>Hot path, allocation-free.</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action) =>
        action[0] = Math.Clamp(-2f * MathF.Atan2(obs[1], obs[0]) - 0.5f * obs[2], -2f, 2f);
}
