using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Tasks;

/// <summary>
/// CartPole-v1's negative reward on the state before the step: -1 while inside the thresholds, 0 outside
/// (Gymnasium pays +1 for every step, the terminating one included, and nothing after). The action does
/// not enter. A planner thus counts the steps its predicted trajectory stays alive.
/// </summary>
public sealed class CartpoleCost : IAnalyticCost
{
    public IGraphCost GraphForm { get; } = new CartpoleGraphCost();

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action) =>
        CartpoleTask.Inside(obs[0], obs[2]) ? -1f : 0f;
}
