using Robotics.Runtime.Loop;

namespace Robotics.Runtime.Planning;

/// <summary>
/// A model-predictive planner: each <see cref="IPolicy.Act"/> optimises an action sequence over the
/// horizon through the world model, starting from the previous plan shifted by one step (warm start), and
/// returns its first action.
/// </summary>
public interface IPlanner : IPolicy
{
    int Horizon { get; }

    /// <summary>Real-time. The current plan [horizon, act_dim] after the last <see cref="IPolicy.Act"/>.</summary>
    ReadOnlySpan<float> Plan { get; }

    /// <summary>Real-time. Cost of the plan's best candidate at the last <see cref="IPolicy.Act"/>.</summary>
    float BestCost { get; }
}
