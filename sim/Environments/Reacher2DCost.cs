using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Sim.Environments;

/// <summary>
/// <see cref="Reacher2D"/>'s negative reward on an observation (whose last two entries are fingertip minus
/// target) and torques: |tip - target| + 0.01 |tau / tau_max|^2.
/// </summary>
public sealed class Reacher2DCost(Reacher2DParameters parameters) : IAnalyticCost
{
    public Reacher2DParameters Parameters => parameters;

    public IGraphCost GraphForm { get; } = new Reacher2DGraphCost((float)parameters.MaxTorque, (float)parameters.ControlCostWeight);

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action)
    {
        double t1 = Math.Clamp((double)action[0], -parameters.MaxTorque, parameters.MaxTorque);
        double t2 = Math.Clamp((double)action[1], -parameters.MaxTorque, parameters.MaxTorque);
        return (float)-Reacher2D.Reward(obs[8], obs[9], t1, t2, parameters);
    }
}
