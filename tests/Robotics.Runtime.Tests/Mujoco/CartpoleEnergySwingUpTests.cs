using Robotics.Sim.Mujoco.Tasks;

namespace Robotics.Runtime.Tests.Mujoco;

public sealed class CartpoleEnergySwingUpTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Controller_SwingsUpAndBalances_TheMujocoCartpole(int seed)
    {
        using var task = MujocoTasks.Create("mj-cartpole-swingup", seed);
        var policy = new CartpoleEnergySwingUp();
        var obs = new float[5];
        var act = new float[1];
        task.Reset(null, obs);
        double ret = 0, lateCos = double.MaxValue;
        for (int k = 0; k < 1000; k++)
        {
            policy.Act(obs, act);
            ret += task.Step(act, obs).Reward;
            if (k >= 700) lateCos = Math.Min(lateCos, obs[1]);
        }
        Assert.True(lateCos > 0.95, $"seed {seed}: pole not held upright over the last 3 s (min cos {lateCos:F3}, return {ret:F0})");
        Assert.True(ret > 600, $"seed {seed}: return {ret:F0}");
    }
}
