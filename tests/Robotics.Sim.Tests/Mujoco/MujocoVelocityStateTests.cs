using Robotics.Sim.Mujoco.Tasks;

namespace Robotics.Sim.Tests.Mujoco;

/// <summary>The velocity layout and setter that veto-eval's out-of-distribution probe relies on, for every MuJoCo task.</summary>
public class MujocoVelocityStateTests
{
    public static TheoryData<string> TaskIds()
    {
        var data = new TheoryData<string>();
        foreach (string id in MujocoTasks.Ids) data.Add(id);
        return data;
    }

    [Theory]
    [MemberData(nameof(TaskIds))]
    public void VelocityObservationDims_AreWhereTheTaskObservesQvel_AfterSteps(string id)
    {
        using var task = MujocoTasks.Create(id, seed: 3);
        var obs = new float[task.ObservationSpace.Dimension];
        var act = new float[task.ActionSpace.Dimension];
        task.Reset(null, obs);
        int[] dims = task.VelocityObservationDims;
        Assert.Equal(task.Sim.Nv, dims.Length);
        for (int k = 0; k < 30; k++)
        {
            for (int i = 0; i < act.Length; i++) act[i] = ((k + i) % 5 - 2) * 0.4f;
            task.Step(act, obs);
            for (int i = 0; i < dims.Length; i++) Assert.Equal((float)task.Sim.Qvel[i], obs[dims[i]]);
        }
        double moved = 0;
        for (int i = 0; i < dims.Length; i++) moved += Math.Abs(obs[dims[i]]);
        Assert.True(moved > 1e-3, $"{id}: the velocities never moved, so the check above compared zeros");
    }

    [Theory]
    [InlineData("mj-cartpole-swingup")]
    [InlineData("mj-reacher-hard")]
    [InlineData("mj-cheetah-run")]
    public void SetVelocities_ReplacesOnlyTheVelocities_AndTheNextStepStartsFromThem(string id)
    {
        using var task = MujocoTasks.Create(id, seed: 4);
        var obs = new float[task.ObservationSpace.Dimension];
        task.Reset(7, obs);
        var before = (float[])obs.Clone();
        int[] dims = task.VelocityObservationDims;
        var qvel = new double[task.Sim.Nv];
        for (int i = 0; i < qvel.Length; i++) qvel[i] = 3.0 + i;
        task.SetVelocities(qvel, obs);
        for (int d = 0; d < obs.Length; d++)
            if (Array.IndexOf(dims, d) is int i && i >= 0) Assert.Equal((float)qvel[i], obs[d]);
            else Assert.Equal(before[d], obs[d]);

        // The state really holds them: stepping with zero action moves the positions the way those velocities say.
        var posBefore = task.Sim.Qpos.ToArray();
        task.Step(new float[task.ActionSpace.Dimension], obs);
        Assert.True(Math.Abs(task.Sim.Qpos[0] - posBefore[0]) > 0.5 * qvel[0] * task.ControlPeriod.TotalSeconds,
                    $"{id}: qpos[0] moved {task.Sim.Qpos[0] - posBefore[0]:G3} in one step at qvel[0] = {qvel[0]}");
    }

    [Fact]
    public void SetVelocities_WithTheWrongCount_NamesTheTaskAndTheCount()
    {
        using var task = MujocoTasks.Create("mj-pendulum-swingup");
        var obs = new float[task.ObservationSpace.Dimension];
        task.Reset(0, obs);
        var e = Assert.Throws<ArgumentException>(() => task.SetVelocities(new double[3], obs));
        Assert.Contains("mj-pendulum-swingup", e.Message);
        Assert.Contains("expected 1 velocities, got 3", e.Message);
    }
}
