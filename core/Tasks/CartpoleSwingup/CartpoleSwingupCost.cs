using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Tasks;

/// <summary>
/// Cartpole swing-up's negative reward on an observation [x, cos th, sin th, xdot, thdot] and a force:
/// w (F/F_max)^2 - exp(-d^2 / L^2), d the pole tip's distance from upright over the origin.
/// </summary>
public sealed class CartpoleSwingupCost(CartpoleSwingupCostParameters parameters) : IAnalyticCost
{
    public CartpoleSwingupCostParameters Parameters { get; } = parameters.Validate();

    public IGraphCost GraphForm { get; } =
        new CartpoleSwingupGraphCost((float)parameters.PoleLength, (float)parameters.MaxForce, (float)parameters.ControlCostWeight);

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action)
    {
        double f = Math.Clamp((double)action[0], -Parameters.MaxForce, Parameters.MaxForce);
        return (float)-Reward(obs[0], obs[1], obs[2], f, Parameters);
    }

    /// <summary>The reward of applying (clipped) force <paramref name="force"/> in a state (the simulator uses it too).</summary>
    public static double Reward(double x, double cosTheta, double sinTheta, double force, CartpoleSwingupCostParameters p)
    {
        double L = p.PoleLength;
        double dx = x + L * sinTheta, dy = L * (1 - cosTheta);
        double u = force / p.MaxForce;
        return Math.Exp(-(dx * dx + dy * dy) / (L * L)) - p.ControlCostWeight * u * u;
    }
}
