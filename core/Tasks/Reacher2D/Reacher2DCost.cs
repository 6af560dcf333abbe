using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Tasks;

/// <summary>
/// Reacher2D's negative reward on an observation (whose entries 8 and 9 are fingertip minus target) and
/// torques: |tip - target| + w |tau / tau_max|^2.
/// </summary>
public sealed class Reacher2DCost(Reacher2DCostParameters parameters) : IAnalyticCost
{
    public Reacher2DCostParameters Parameters { get; } = parameters.Validate();

    public IGraphCost GraphForm { get; } = new Reacher2DGraphCost((float)parameters.MaxTorque, (float)parameters.ControlCostWeight);

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action)
    {
        double t1 = Math.Clamp((double)action[0], -Parameters.MaxTorque, Parameters.MaxTorque);
        double t2 = Math.Clamp((double)action[1], -Parameters.MaxTorque, Parameters.MaxTorque);
        return (float)-Reward(obs[Reacher2DGraphCost.DxIndex], obs[Reacher2DGraphCost.DxIndex + 1], t1, t2, Parameters);
    }

    /// <summary>The reward for fingertip-minus-target (dx, dy) and clipped torques (the simulator uses it too).</summary>
    public static double Reward(double dx, double dy, double tau1, double tau2, Reacher2DCostParameters p)
    {
        double u1 = tau1 / p.MaxTorque, u2 = tau2 / p.MaxTorque;
        return -Math.Sqrt(dx * dx + dy * dy) - p.ControlCostWeight * (u1 * u1 + u2 * u2);
    }
}
