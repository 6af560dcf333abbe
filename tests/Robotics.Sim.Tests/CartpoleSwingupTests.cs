using Robotics.Sim.Environments;

namespace Robotics.Sim.Tests;

public class CartpoleSwingupTests
{
    private readonly float[] _obs = new float[5];

    [Fact]
    public void Reset_StartsWithThePoleHangingDownNearTheCentre()
    {
        var env = new CartpoleSwingup(seed: 4);
        for (int i = 0; i < 500; i++)
        {
            env.Reset(null, _obs);
            var s = env.State;
            Assert.InRange(s.X, -0.1, 0.1);
            Assert.InRange(s.Theta, Math.PI - 0.1, Math.PI + 0.1);
            Assert.InRange(s.XDot, -0.1, 0.1);
            Assert.InRange(s.ThetaDot, -0.1, 0.1);
            Assert.True(_obs[1] < -0.99f, "cos theta of a hanging pole is about -1");
        }
    }

    [Fact]
    public void ZeroForce_ConservesEnergyAndHorizontalMomentum_Over200Steps()
    {
        var env = new CartpoleSwingup();
        env.SetState(0.3, 2.0, 0.4, -1.5, _obs); // a large swing with the cart moving
        double e0 = env.Energy, p0 = Momentum(env);
        double maxDrift = 0;
        for (int k = 0; k < 200; k++)
        {
            env.Step([0f], _obs);
            maxDrift = Math.Max(maxDrift, Math.Abs(env.Energy - e0));
            Assert.True(Math.Abs(Momentum(env) - p0) < 1e-6, $"step {k}: momentum {p0} -> {Momentum(env)}");
        }
        Assert.True(maxDrift < 1e-6, $"energy drift {maxDrift} J (E0 = {e0} J)");
    }

    [Fact]
    public void ConstantForce_ChangesHorizontalMomentumByForceTimesTime()
    {
        // The only horizontal external force is F, so d/dt [(m_c+m_p) xdot + m_p l thdot cos th] = F.
        var env = new CartpoleSwingup();
        env.SetState(0, Math.PI - 0.5, 0, 0, _obs);
        double p0 = Momentum(env);
        for (int k = 0; k < 10; k++) env.Step([4f], _obs);
        Assert.Equal(p0 + 4.0 * 0.5, Momentum(env), 8);
        Assert.True(env.State.XDot > 0, "a positive force pushes the cart towards +x");
    }

    [Fact]
    public void Reward_IsOneUprightAndCentred_AndExpMinusFourHangingDown()
    {
        var env = new CartpoleSwingup();
        env.SetState(0, 0, 0, 0, _obs);
        Assert.Equal(1.0, env.Step([0f], _obs).Reward, 6);
        env.SetState(0, Math.PI, 0, 0, _obs);
        Assert.Equal(Math.Exp(-4), env.Step([0f], _obs).Reward, 6);
        env.SetState(0, 0, 0, 0, _obs);
        Assert.Equal(1.0 - 0.01, env.Step([25f], _obs).Reward, 6); // force clipped to 10 N: full control cost 0.01
        env.SetState(1.0, 0, 0, 0, _obs);
        Assert.Equal(Math.Exp(-1), env.Step([0f], _obs).Reward, 6); // upright but off-centre by one pole length
    }

    [Fact]
    public void HangingAtRest_StaysAtRest_AndTruncatesAtExactly200Steps()
    {
        var env = new CartpoleSwingup();
        env.SetState(0, Math.PI, 0, 0, _obs);
        for (int k = 1; k <= 200; k++)
        {
            var r = env.Step([0f], _obs);
            Assert.False(r.Terminated);
            Assert.Equal(k == 200, r.Truncated);
        }
        Assert.Equal(0, env.State.X, 9);
        Assert.Equal(Math.PI, env.State.Theta, 9);
    }

    [Fact]
    public void LeavingTheTrack_Terminates_WhileStayingOnItDoesNot()
    {
        var env = new CartpoleSwingup();
        env.SetState(2.3, Math.PI, 0, 0, _obs); // near the +2.4 m end stop, at rest
        Assert.False(env.Step([0f], _obs).Terminated);
        env.SetState(2.3, Math.PI, 3.0, 0, _obs); // 3 m/s towards it: 0.15 m in one step
        var r = env.Step([10f], _obs);
        Assert.True(r.Terminated);
        Assert.False(r.Truncated);
        Assert.True(env.State.X > 2.4);
        Assert.True(env.ObservationSpace.Contains(_obs), "the overshooting last state is still inside the declared bounds");
    }

    [Fact]
    public void Parameters_RejectNonPhysicalValues()
    {
        var e = Assert.Throws<ArgumentException>(() => new CartpoleSwingup(0, new CartpoleSwingupParameters { PoleMass = 0 }));
        Assert.Contains("PoleMass", e.Message);
        Assert.Throws<ArgumentException>(() => new CartpoleSwingup(0, new CartpoleSwingupParameters { Substeps = 0 }));
    }

    private static double Momentum(CartpoleSwingup env)
    {
        var p = env.Parameters;
        var s = env.State;
        return (p.CartMass + p.PoleMass) * s.XDot + p.PoleMass * p.PoleLength / 2 * s.ThetaDot * Math.Cos(s.Theta);
    }
}
