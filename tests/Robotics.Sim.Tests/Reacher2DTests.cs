using Robotics.Sim.Environments;

namespace Robotics.Sim.Tests;

public class Reacher2DTests
{
    private readonly float[] _obs = new float[10];

    [Fact]
    public void Reset_DrawsTargetsInsideTheDisc_AndObservesTipMinusTarget()
    {
        var env = new Reacher2D(seed: 8);
        double maxR = 0;
        for (int i = 0; i < 1000; i++)
        {
            env.Reset(null, _obs);
            var s = env.State;
            double r = Math.Sqrt(s.TargetX * s.TargetX + s.TargetY * s.TargetY);
            maxR = Math.Max(maxR, r);
            Assert.True(r <= 0.2);
            var (tx, ty) = env.Fingertip;
            Assert.True(Math.Abs(tx - s.TargetX - _obs[8]) < 1e-7);
            Assert.True(Math.Abs(ty - s.TargetY - _obs[9]) < 1e-7);
            Assert.Equal((float)s.TargetX, _obs[6]);
            Assert.Equal((float)Math.Cos(s.Q2), _obs[2]);
        }
        Assert.True(maxR > 0.19, $"targets cover the disc (max radius {maxR})");
    }

    [Fact]
    public void ZeroTorque_WithDamping_LosesEnergyEveryStep()
    {
        var env = new Reacher2D();
        env.SetState(0.3, 1.0, 8.0, -5.0, 0.1, 0.1, _obs);
        double previous = env.Energy;
        for (int k = 0; k < 50; k++)
        {
            env.Step([0f, 0f], _obs);
            Assert.True(env.Energy < previous, $"step {k}: energy {env.Energy} >= {previous}");
            previous = env.Energy;
        }
        Assert.True(previous > 0);
    }

    [Fact]
    public void ZeroTorque_WithoutDamping_ConservesEnergyAndShoulderMomentum()
    {
        // Checks the mass matrix and Coriolis terms against each other: both quantities are exact invariants of
        // the equations (a wrong Coriolis sign changes them by tens of percent); RK4 at 5 ms keeps them to ~1e-6.
        var env = new Reacher2D(0, new Reacher2DParameters { Damping = 0 });
        env.SetState(0.3, 1.0, 8.0, -5.0, 0.1, 0.1, _obs);
        double e0 = env.Energy, p0 = ShoulderMomentum(env);
        for (int k = 0; k < 50; k++) env.Step([0f, 0f], _obs);
        Assert.True(Math.Abs(env.Energy - e0) < 1e-5 * e0, $"energy {e0} -> {env.Energy}");
        Assert.True(Math.Abs(ShoulderMomentum(env) - p0) < 1e-5 * Math.Abs(p0), $"momentum {p0} -> {ShoulderMomentum(env)}");
        Assert.NotEqual(1.0, env.State.Q2, 3); // it moved
    }

    [Fact]
    public void ShoulderTorque_FromRest_TurnsTheArmPositively()
    {
        var env = new Reacher2D();
        env.SetState(0, 0, 0, 0, 0.1, 0.1, _obs);
        env.Step([1f, 0f], _obs);
        Assert.True(env.State.Q1Dot > 0);
        Assert.True(env.State.Q1 > 0);
    }

    [Fact]
    public void Reward_IsMinusDistanceMinusControlCost()
    {
        var env = new Reacher2D();
        env.SetState(0, 0, 0, 0, 0.21, 0, _obs); // arm straight along +x, tip exactly on the target
        Assert.Equal(0.0, env.Step([0f, 0f], _obs).Reward, 6);
        env.SetState(0, 0, 0, 0, 0.21, 0.1, _obs);
        Assert.Equal(-0.1 - 0.01 * (1 + 0.25), env.Step([3f, -0.5f], _obs).Reward, 6); // tau1 clipped to 1
    }

    [Fact]
    public void Truncates_AtExactly50Steps_NeverTerminates()
    {
        var env = new Reacher2D(seed: 2);
        env.Reset(null, _obs);
        for (int k = 1; k <= 50; k++)
        {
            var r = env.Step([0.5f, -0.5f], _obs);
            Assert.False(r.Terminated);
            Assert.Equal(k == 50, r.Truncated);
        }
    }

    [Fact]
    public void Parameters_RejectNonPhysicalValues()
    {
        var e = Assert.Throws<ArgumentException>(() => new Reacher2D(0, new Reacher2DParameters { Damping = -1 }));
        Assert.Contains("Damping", e.Message);
        Assert.Throws<ArgumentException>(() => new Reacher2D(0, new Reacher2DParameters { Link2Length = double.NaN }));
    }

    /// <summary>Generalised momentum of the shoulder, dL/dq1dot = M11 q1dot + M12 q2dot (q1 is cyclic).</summary>
    private static double ShoulderMomentum(Reacher2D env)
    {
        var p = env.Parameters;
        var s = env.State;
        double c1 = p.Link1Length / 2, c2 = p.Link2Length / 2;
        double i1 = p.Link1Mass * p.Link1Length * p.Link1Length / 12, i2 = p.Link2Mass * p.Link2Length * p.Link2Length / 12;
        double a1 = i1 + p.Link1Mass * c1 * c1 + i2 + p.Link2Mass * (p.Link1Length * p.Link1Length + c2 * c2);
        double a2 = p.Link2Mass * p.Link1Length * c2, a3 = i2 + p.Link2Mass * c2 * c2;
        double c = Math.Cos(s.Q2);
        return (a1 + 2 * a2 * c) * s.Q1Dot + (a3 + a2 * c) * s.Q2Dot;
    }

    [Fact]
    public void Relabel_GivesTheTransitionTheRobotMakesUnderTheNewTarget()
    {
        var rng = new Random(3);
        var recorded = new Reacher2D(0);
        var replay = new Reacher2D(0);
        float[] obs = new float[10], next = new float[10], newObs = new float[10], newNext = new float[10], truth = new float[10], truthNext = new float[10];
        float[] action = [0.7f, -1.4f];   // the second torque beyond the limit: the reward sees it clipped
        for (int trial = 0; trial < 20; trial++)
        {
            double q1 = rng.NextDouble() * 6 - 3, q2 = rng.NextDouble() * 6 - 3, w1 = rng.NextDouble() * 4 - 2, w2 = rng.NextDouble() * 4 - 2;
            recorded.SetState(q1, q2, w1, w2, 0.05, -0.1, obs);
            float reward = recorded.Step(action, next).Reward;

            var goal = new float[recorded.GoalDimension];
            recorded.DrawGoal(rng, goal);
            float relabelled = recorded.Relabel(obs, action, next, goal, newObs, newNext);

            replay.SetState(q1, q2, w1, w2, newObs[6], newObs[7], truth);
            float truthReward = replay.Step(action, truthNext).Reward;
            Assert.True(Math.Sqrt(newObs[6] * newObs[6] + newObs[7] * newObs[7]) <= new Reacher2DParameters().TargetRadius + 1e-6);
            Assert.NotEqual(obs[6], newObs[6]);
            Assert.Equal(obs.AsSpan(0, 6).ToArray(), newObs.AsSpan(0, 6).ToArray());   // the arm is untouched
            Assert.Equal(next.AsSpan(0, 6).ToArray(), newNext.AsSpan(0, 6).ToArray());
            for (int d = 0; d < 10; d++)
            {
                Assert.Equal(truth[d], newObs[d], 1e-5f);
                Assert.Equal(truthNext[d], newNext[d], 1e-5f);
            }
            Assert.Equal(truthReward, relabelled, 1e-5f);
            Assert.NotEqual(reward, relabelled);
        }
    }
}
