using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;

namespace Robotics.Sim.Environments;

/// <summary>Result of one environment step (Gymnasium's reward, terminated, truncated).</summary>
public readonly record struct StepResult(float Reward, bool Terminated, bool Truncated)
{
    public bool Done => Terminated || Truncated;
}

/// <summary>
/// An environment with Gymnasium's reset/step semantics: seeded reset, terminated (a terminal state of the
/// task) versus truncated (a time limit), and a declared control period and safe action.
/// </summary>
public interface IEnvironment
{
    /// <summary>Registry id, e.g. "pendulum".</summary>
    string Id { get; }
    BoxSpace ObservationSpace { get; }
    BoxSpace ActionSpace { get; }
    /// <summary>Simulated time per step (also the real-time control period of a virtual robot).</summary>
    TimeSpan ControlPeriod { get; }
    /// <summary>What to send when in doubt (zero torque/force for the built-in robots).</summary>
    float[] SafeAction { get; }
    /// <summary>Steps after which an episode is truncated.</summary>
    int MaxEpisodeSteps { get; }
    /// <summary>The negative reward expressed on observations, for planners without a learned reward.</summary>
    IAnalyticCost Cost { get; }

    /// <summary>Starts an episode. A seed re-seeds the environment's generator (Gymnasium's reset(seed=...)).</summary>
    void Reset(int? seed, Span<float> obs);

    /// <summary>Hot path, allocation-free. Applies <paramref name="action"/> (clipped to the action space).</summary>
    StepResult Step(ReadOnlySpan<float> action, Span<float> obs);
}

public static class EnvironmentExtensions
{
    public static RobotSpec ToSpec(this IEnvironment env, string robotId) =>
        new RobotSpec(robotId, env.Id, env.ObservationSpace, env.ActionSpace, env.ControlPeriod,
                      (float[])env.SafeAction.Clone()).Validate();
}
