using Robotics.Core.Episodes;
using Robotics.Sim.Environments;
using Robotics.Sim.Mujoco.Tasks;
using Robotics.Trainer.Safety;

namespace Robotics.Trainer.Tests.Safety;

/// <summary>veto-eval's out-of-distribution probe: the range of velocities the data covered, and states beyond it.</summary>
public class TrainingRangeTests
{
    /// <summary>Transitions of a few episodes under a slow, bounded square-wave action (the "training data").</summary>
    private static List<Transition> Rows(IEnvironment env, int episodes, int steps)
    {
        var rows = new List<Transition>();
        var obs = new float[env.ObservationSpace.Dimension];
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(100 + e, obs);
            for (int k = 0; k < steps; k++)
            {
                var act = new float[env.ActionSpace.Dimension];
                for (int i = 0; i < act.Length; i++) act[i] = 0.3f * env.ActionSpace.High[i] * ((k / 10 + i) % 2 == 0 ? 1 : -1);
                var o = (float[])obs.Clone();
                var r = env.Step(act, obs);
                rows.Add(new Transition(e, k, k * env.ControlPeriod.TotalSeconds, o, act, r.Reward, (float[])obs.Clone(), r.Terminated, r.Truncated, DataSource.Sim, env.Id, Vetoed: false));
            }
        }
        return rows;
    }

    [Theory]
    [InlineData("pendulum")]
    [InlineData("cartpole-swingup")]
    [InlineData("cartpole")]
    [InlineData("mj-cartpole-swingup")]
    [InlineData("mj-reacher-easy")]
    [InlineData("mj-cheetah-run")]
    public void OodStates_HaveEveryVelocityBeyondTheDataByTheMargin_AndWithinTheBound(string id)
    {
        var env = EnvironmentRegistry.Create(id, 0);
        var range = TrainingRange.Of(env, Rows(env, 2, 60));
        const double margin = 0.1;
        var states = range.OodStates(EnvironmentRegistry.Create(id, 5), new Random(9), 200, margin);

        Assert.Equal(200, states.Count);
        for (int k = 0; k < range.VelocityDims.Length; k++)
        {
            double m = margin * range.Bound[k];
            Assert.True(range.High[k] > range.Low[k], $"{id}: {range.Names[k]} never moved in the data");
            foreach (var s in states)
            {
                float v = s[range.VelocityDims[k]];
                Assert.True(v >= range.High[k] + m - 1e-3 || v <= range.Low[k] - m + 1e-3,
                            $"{id}: {range.Names[k]} = {v} inside [{range.Low[k] - m}, {range.High[k] + m}]");
                Assert.True(Math.Abs(v) <= range.Bound[k] + 1e-3, $"{id}: {range.Names[k]} = {v} beyond the bound {range.Bound[k]}");
            }
        }
    }

    [Theory]
    [InlineData("cartpole-swingup", 0.0)]
    [InlineData("mj-reacher-easy", 0.25)]
    [InlineData("cartpole", 0.5)]
    public void BandStates_PutEveryVelocityInItsBandPastTheData_OnBothSidesWhereThereIsRoom(string id, double from)
    {
        var env = EnvironmentRegistry.Create(id, 0);
        var range = TrainingRange.Of(env, Rows(env, 2, id == "cartpole" ? 8 : 60));
        const double width = 0.25;
        var states = range.BandStates(EnvironmentRegistry.Create(id, 5), new Random(9), 300, from, width);
        Assert.Equal(300, states.Count);
        for (int k = 0; k < range.VelocityDims.Length; k++)
        {
            double span = range.High[k] - range.Low[k];
            int above = 0, below = 0;
            foreach (var s in states)
            {
                float v = s[range.VelocityDims[k]];
                bool up = v >= range.High[k] + from * span - 1e-3 && v <= range.High[k] + (from + width) * span + 1e-3;
                bool down = v <= range.Low[k] - from * span + 1e-3 && v >= range.Low[k] - (from + width) * span - 1e-3;
                Assert.True(up || down, $"{id}: {range.Names[k]} = {v} outside both bands past [{range.Low[k]}, {range.High[k]}]");
                Assert.True(Math.Abs(v) <= range.Bound[k] + 1e-3);
                if (up) above++; else below++;
            }
            Assert.True(above > 30 && below > 30, $"{id}: {range.Names[k]} {above} above, {below} below");
        }
    }

    [Fact]
    public void BandStates_WithNoRoomInsideTheBound_SayWhichVelocity()
    {
        var env = new Pendulum();
        var range = new TrainingRange("pendulum", [2], ["theta_dot"], [-7f], [7f], [8f]);
        var e = Assert.Throws<InvalidOperationException>(() => range.BandStates(env, new Random(1), 10, 0.5, 0.25));
        Assert.Contains("theta_dot", e.Message);
    }

    [Fact]
    public void OodStates_OnCartpoleV1_BoundItsUnboundedVelocitiesByTheData_AndStartInsideItsThresholds()
    {
        var env = EnvironmentRegistry.Create("cartpole", 0);
        var range = TrainingRange.Of(env, Rows(env, 3, 8));   // short: CartPole-v1 terminates once the pole passes 12 degrees
        Assert.Equal([1, 3], range.VelocityDims);
        for (int k = 0; k < 2; k++)
        {
            Assert.True(range.Unbounded![k]);
            Assert.Equal(2 * Math.Max(Math.Abs(range.Low[k]), Math.Abs(range.High[k])), range.Bound[k], 1e-6);
        }
        Assert.Contains("(unbounded: 2x the data)", range.Describe());
        var states = range.OodStates(EnvironmentRegistry.Create("cartpole", 5), new Random(9), 100, 0.1);
        Assert.All(states, s =>
        {
            Assert.InRange(s[0], -1.2f, 1.2f);
            Assert.InRange(s[2], -0.105f, 0.105f);
        });
    }

    [Fact]
    public void OodStates_OnAMujocoTask_KeepThePositionsOfItsResetDistribution()
    {
        // mj-cartpole-swingup starts hanging (pole_zz = cos(theta) near -1, cart near 0): the probe varies velocities only.
        var env = EnvironmentRegistry.Create("mj-cartpole-swingup", 0);
        var range = TrainingRange.Of(env, Rows(env, 2, 60));
        var states = range.OodStates(EnvironmentRegistry.Create("mj-cartpole-swingup", 5), new Random(9), 100, 0.1);
        Assert.Equal([3, 4], range.VelocityDims);
        Assert.All(states, s =>
        {
            Assert.InRange(s[1], -1f, -0.99f);
            Assert.InRange(s[0], -0.1f, 0.1f);
        });
        Assert.True(states.Select(s => s[0]).Distinct().Count() > 50, "positions should come from different resets");
    }

    [Fact]
    public void VelocityDims_ForAnUnknownRobot_NameItAndTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingRange.VelocityDimsOf(EnvironmentRegistry.Create("pendulum-pos", 0)));
        Assert.Contains("'pendulum-pos'", e.Message);
        Assert.Contains("mj-*", e.Message);
    }
}
