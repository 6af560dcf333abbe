using Robotics.Core.Tasks;
using Robotics.Sim.Environments;

namespace Robotics.Sim.Tests;

/// <summary>Position-only robots (issue 16): the full robot's trajectory and rewards seen through fewer sensors.</summary>
public class PartialObservationTests
{
    [Theory]
    [InlineData("pendulum-pos", "pendulum", new[] { 0, 1 })]
    [InlineData("cartpole-swingup-pos", "cartpole-swingup", new[] { 0, 1, 2 })]
    public void PartialRobot_ShowsTheKeptDimensionsOfTheFullRobot_WithItsRewardsAndEpisodes(string id, string fullId, int[] kept)
    {
        var part = EnvironmentRegistry.Create(id, seed: 3);
        var full = EnvironmentRegistry.Create(fullId, seed: 3);
        Assert.Equal(kept.Length, part.ObservationSpace.Dimension);
        Assert.Equal(kept.Select(i => full.ObservationSpace.Names[i]), part.ObservationSpace.Names);
        Assert.Equal(full.ActionSpace, part.ActionSpace);
        Assert.Equal(full.ControlPeriod, part.ControlPeriod);
        Assert.Equal(full.MaxEpisodeSteps, part.MaxEpisodeSteps);
        var (po, fo) = (new float[kept.Length], new float[full.ObservationSpace.Dimension]);
        var act = new float[1];
        var rng = new Random(5);
        for (int episode = 0; episode < 3; episode++)
        {
            part.Reset(episode, po);
            full.Reset(episode, fo);
            for (int k = 0; k < part.MaxEpisodeSteps; k++)
            {
                for (int i = 0; i < kept.Length; i++) Assert.Equal(fo[kept[i]], po[i]);
                act[0] = (float)(rng.NextDouble() * 2 - 1) * full.ActionSpace.High[0];
                StepResult rp = part.Step(act, po), rf = full.Step(act, fo);
                Assert.Equal(rf, rp);
                if (rf.Done) break;
            }
        }
    }

    [Fact]
    public void PendulumPositionCost_IsTheAngleAndTorqueTerms_WithoutTheHiddenVelocity()
    {
        Assert.True(TaskLibrary.TryGet("pendulum-pos", out ITaskDefinition task));
        float th = 0.7f, u = 1.5f;
        float cost = task.Cost.Cost([MathF.Cos(th), MathF.Sin(th)], [u]);
        Assert.Equal(th * th + 0.001f * u * u, cost, 1e-5f);
        Assert.Equal(200, task.MaxEpisodeSteps);
        Assert.Equal([0f], task.SafeAction);
        Assert.NotNull(task.Cost.GraphForm);
        Assert.Equal("pendulum angle error (rad)", task.PredictionError.Name);
        Assert.Equal(Math.PI / 2, task.PredictionError.Between([1, 0], [0, 1]), 1e-6);
    }

    [Fact]
    public void CartpoleSwingupPositionCost_EqualsTheNegativeReward_AndTerminationIsTheTrackLimit()
    {
        // The swing-up reward reads only positions, so the position-only robot keeps its exact cost.
        var env = EnvironmentRegistry.Create("cartpole-swingup-pos", seed: 9);
        var (obs, before) = (new float[3], new float[3]);
        var act = new float[1];
        var rng = new Random(2);
        int steps = 0;
        for (int episode = 0; episode < 3; episode++)
        {
            env.Reset(null, obs);
            for (int k = 0; k < env.MaxEpisodeSteps; k++, steps++)
            {
                act[0] = (float)(rng.NextDouble() * 24 - 12);
                obs.CopyTo(before, 0);
                var r = env.Step(act, obs);
                Assert.True(Math.Abs(env.Cost.Cost(before, act) + r.Reward) <= 1e-5 * (1 + Math.Abs(r.Reward)));
                if (r.Done) break;
            }
        }
        Assert.True(steps > 100);
        Assert.True(TaskLibrary.TryGet("cartpole-swingup-pos", out ITaskDefinition task));
        Assert.True(task.IsTerminal([2.5f, -1f, 0f]));
        Assert.False(task.IsTerminal([2.3f, -1f, 0f]));
    }

    [Fact]
    public void ObservedDimensions_RefusesEmptyFullOrUnorderedSelections()
    {
        Assert.Throws<ArgumentException>(() => new ObservedDimensions(3));
        Assert.Throws<ArgumentException>(() => new ObservedDimensions(3, 0, 1, 2));
        Assert.Throws<ArgumentException>(() => new ObservedDimensions(3, 1, 0));
        Assert.Throws<ArgumentException>(() => new ObservedDimensions(3, 0, 3));
    }
}
