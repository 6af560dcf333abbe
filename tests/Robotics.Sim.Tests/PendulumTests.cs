using Robotics.Sim.Environments;

namespace Robotics.Sim.Tests;

public class PendulumTests
{
    [Fact]
    public void Step_FromRest_MatchesGymnasiumEquations()
    {
        // th=1, thdot=0, u=1: thdot' = (15 sin 1 + 3) * 0.05, th' = 1 + thdot' * 0.05.
        var env = new Pendulum();
        var obs = new float[3];
        env.SetState(1.0, 0.0, obs);
        var r = env.Step([1f], obs);
        double thdot = (15 * Math.Sin(1.0) + 3.0) * 0.05;
        double th = 1.0 + thdot * 0.05;
        Assert.Equal(-(1.0 + 0.001), r.Reward, 6);
        Assert.Equal(Math.Cos(th), obs[0], 6);
        Assert.Equal(Math.Sin(th), obs[1], 6);
        Assert.Equal(thdot, obs[2], 6);
    }
}
