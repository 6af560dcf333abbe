using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Sim.Environments;

/// <summary>
/// <see cref="CartpoleSwingup"/>'s negative reward on an observation [x, cos th, sin th, xdot, thdot] and a
/// force: 0.01 (F/F_max)^2 - exp(-d^2 / L^2), d the pole tip's distance from upright over the origin.
/// </summary>
public sealed class CartpoleSwingupCost(CartpoleSwingupParameters parameters) : IAnalyticCost
{
    public CartpoleSwingupParameters Parameters => parameters;

    public IGraphCost GraphForm { get; } =
        new CartpoleSwingupGraphCost((float)parameters.PoleLength, (float)parameters.MaxForce, (float)parameters.ControlCostWeight);

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action)
    {
        double f = Math.Clamp((double)action[0], -parameters.MaxForce, parameters.MaxForce);
        return (float)-CartpoleSwingup.Reward(obs[0], obs[1], obs[2], f, parameters);
    }
}
