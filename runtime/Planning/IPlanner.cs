using Robotics.Runtime.Controllers;

namespace Robotics.Runtime.Planning;

/// <summary>
/// A model-predictive planner: each <see cref="IController.Act"/> optimises an action sequence over the
/// horizon through the world model, starting from the previous plan shifted by one step (warm start), and
/// returns its first action. <see cref="IController.Observe"/> feeds back what the gate sent: the
/// action-rate cost's reference, and a plan the gate rejected is not warm-started from.
/// </summary>
public interface IPlanner : IController
{
    int Horizon { get; }

    /// <summary>Real-time. The current plan [horizon, act_dim] after the last <see cref="IController.Act"/>.</summary>
    ReadOnlySpan<float> Plan { get; }

    /// <summary>Real-time. Cost of the plan's best candidate at the last <see cref="IController.Act"/>.</summary>
    float BestCost { get; }
}
