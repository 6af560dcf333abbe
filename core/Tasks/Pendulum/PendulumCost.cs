using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Tasks;

/// <summary>Pendulum's negative reward from an observation [cos, sin, thdot] and a torque (Gymnasium Pendulum-v1).</summary>
public sealed class PendulumCost : IAnalyticCost
{
    public IGraphCost GraphForm { get; } = new PendulumGraphCost();

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action)
    {
        float th = MathF.Atan2(obs[1], obs[0]);
        float u = Math.Clamp(action[0], -2f, 2f);
        return th * th + 0.1f * obs[2] * obs[2] + 0.001f * u * u;
    }
}
