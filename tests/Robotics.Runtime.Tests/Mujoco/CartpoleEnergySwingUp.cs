using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Safety;

namespace Robotics.Runtime.Tests.Mujoco;

/// <summary>
/// A hand-written controller for DMC's cart-pole (observation [x, cos, sin, xdot, thetadot], ctrl in [-1, 1],
/// 10 N per unit): energy pumping (Astrom and Furuta) until the pole is near upright, then linear state
/// feedback. The pole's energy E = 1/2 I w^2 + m g l (cos th - 1) is 0 upright at rest; a cart acceleration a
/// changes it at the rate -m l a cos th w, so pushing with the sign of E w cos th (E &lt; 0) raises it. Near the
/// top u = k_th th + k_w w + k_x x + k_v xdot (all positive: the cart runs under a pole tipping towards +x).
/// The simplest honest controller the runtime can run on the MuJoCo robot without a learned model.
/// </summary>
public sealed class CartpoleEnergySwingUp : IController
{
    private const double PoleMass = 0.1, HalfLength = 0.5, Inertia = PoleMass * 1.0 / 3, Gravity = 9.81;

    public int ActDim => 1;
    public ReadOnlySpan<float> Candidates => [];
    public void Reset() { }
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }
    public void Dispose() { }

    /// <summary>Hot path, allocation-free.</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        double x = obs[0], cos = obs[1], sin = obs[2], v = obs[3], w = obs[4];
        double th = Math.Atan2(sin, cos);
        double u;
        if (cos > 0.85)
            u = 3.5 * th + 0.7 * w + 0.15 * x + 0.35 * v;
        else
        {
            double energy = 0.5 * Inertia * w * w + PoleMass * Gravity * HalfLength * (cos - 1);
            u = 6 * energy * Math.Sign(w * cos) - 0.3 * x - 0.3 * v;
        }
        action[0] = (float)Math.Clamp(u, -1, 1);
    }
}
