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

    [Fact]
    public void Reset_DrawsThetaInPlusMinusPiAndRateInPlusMinusOne()
    {
        var env = new Pendulum(seed: 3);
        var obs = new float[3];
        double minTh = double.MaxValue, maxTh = double.MinValue, minW = double.MaxValue, maxW = double.MinValue;
        for (int i = 0; i < 2000; i++)
        {
            env.Reset(null, obs);
            var (th, w) = env.State;
            Assert.InRange(th, -Math.PI, Math.PI);
            Assert.InRange(w, -1.0, 1.0);
            Assert.Equal((float)Math.Cos(th), obs[0]);
            Assert.Equal((float)w, obs[2]);
            minTh = Math.Min(minTh, th); maxTh = Math.Max(maxTh, th); minW = Math.Min(minW, w); maxW = Math.Max(maxW, w);
        }
        // Uniform over the whole range, not a corner of it.
        Assert.True(minTh < -3.0 && maxTh > 3.0, $"theta range [{minTh}, {maxTh}]");
        Assert.True(minW < -0.95 && maxW > 0.95, $"rate range [{minW}, {maxW}]");
    }

    [Fact]
    public void Truncates_AtExactly200Steps_NeverTerminates()
    {
        var env = new Pendulum(seed: 1);
        var obs = new float[3];
        for (int episode = 0; episode < 2; episode++)
        {
            env.Reset(null, obs);
            for (int k = 1; k <= 200; k++)
            {
                var r = env.Step([k % 2 == 0 ? 2f : -2f], obs);
                Assert.False(r.Terminated);
                Assert.Equal(k == 200, r.Truncated);
            }
        }
    }
}
