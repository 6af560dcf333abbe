using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Robotics.Sim.Mujoco;
using Robotics.Sim.Mujoco.Tasks;

namespace Robotics.Sim.Tests.Mujoco;

/// <summary>
/// Every MuJoCo task's reward against DeepMind Control's definitions, recomputed by an independent numpy
/// script (reference/dmc_rewards_reference.py) from the recorded state after each step; the episodes run
/// their full 1000 environment steps and end truncated, never terminated.
/// </summary>
public class MujocoRewardTests
{
    public static TheoryData<string> Tasks => new(MujocoTasks.Ids);

    [Theory, MemberData(nameof(Tasks))]
    public void Reward_EqualsTheDmcToleranceFormulas_OnRecordedTransitions(string id)
    {
        using var task = MujocoTasks.Create(id, seed: 3);
        int obsDim = task.ObservationSpace.Dimension, actDim = task.ActionSpace.Dimension;
        var csv = new StringBuilder();
        csv.Append("reward,truncated,terminated");
        for (int i = 0; i < obsDim; i++) csv.Append(",obs").Append(i);
        for (int i = 0; i < actDim; i++) csv.Append(",act").Append(i);
        csv.Append(",extra0\n");
        var obs = new float[obsDim];
        var act = new float[actDim];
        var rng = new Random(17);
        double nonZero = 0;
        for (int episode = 0; episode < 2; episode++)
        {
            task.Reset(null, obs);
            if (episode == 1) NearSuccess(task, rng); // the second episode starts where rewards are not all zero
            for (int k = 0; k < task.MaxEpisodeSteps; k++)
            {
                for (int i = 0; i < actDim; i++) act[i] = (float)(rng.NextDouble() * 2.4 - 1.2); // beyond the range too
                var r = task.Step(act, obs);
                Assert.False(r.Terminated);
                Assert.Equal(k == task.MaxEpisodeSteps - 1, r.Truncated);
                if (r.Reward != 0) nonZero++;
                csv.Append(F(r.Reward)).Append(r.Truncated ? ",1" : ",0").Append(",0");
                foreach (float o in obs) csv.Append(',').Append(F(o));
                foreach (float a in act) csv.Append(',').Append(F(Math.Clamp(a, -1f, 1f)));
                csv.Append(',').Append(F(task is CheetahRunTask c ? c.Speed : 0)).Append('\n');
            }
            Assert.Equal(1000, task.EnvironmentSteps);
        }
        Assert.True(nonZero >= 10, $"{id}: only {nonZero} non-zero rewards: the check would be weak");

        string file = Path.Combine(Path.GetTempPath(), $"mj-rewards-{id}-{Guid.NewGuid():N}.csv");
        File.WriteAllText(file, csv.ToString());
        try
        {
            using var json = JsonDocument.Parse(Reference(id, file));
            var root = json.RootElement;
            Assert.Equal(2000, root.GetProperty("rows").GetInt32());
            Assert.True(root.GetProperty("mismatches").GetInt32() == 0,
                $"{id}: {root.GetProperty("mismatches").GetInt32()} rewards differ from the reference (max |err| {root.GetProperty("max_abs_err").GetDouble():G3})");
            Assert.True(root.GetProperty("max_abs_err").GetDouble() < 1e-5);
        }
        finally { File.Delete(file); }
    }

    [Theory, MemberData(nameof(Tasks))]
    public void AnalyticCost_OfTheObservationAfterTheStep_IsMinusTheReward_ExceptCheetahsStandIn(string id)
    {
        using var task = MujocoTasks.Create(id, seed: 8);
        var obs = new float[task.ObservationSpace.Dimension];
        var act = new float[task.ActionSpace.Dimension];
        var rng = new Random(5);
        double worst = 0;
        for (int episode = 0; episode < 2; episode++)
        {
            task.Reset(null, obs);
            if (episode == 1) NearSuccess(task, rng);
            for (int k = 0; k < 300; k++)
            {
                for (int i = 0; i < act.Length; i++) act[i] = (float)(rng.NextDouble() * 2.4 - 1.2);
                var r = task.Step(act, obs);
                worst = Math.Max(worst, Math.Abs(task.Cost.Cost(obs, act) + r.Reward));
            }
        }
        if (task is CheetahRunTask) Assert.True(worst < 0.5, $"cheetah's root-velocity stand-in strays {worst:G3} from the reward");
        else Assert.True(worst < 1e-5, $"{id}: |cost + reward| up to {worst:G3}");
    }

    [Fact]
    public void ActionRepeat_CountsEnvironmentSteps_AndSumsTheirRewards()
    {
        using var one = MujocoTasks.Create("mj-cartpole-swingup", seed: 4);
        using var four = MujocoTasks.Create("mj-cartpole-swingup:repeat=4", seed: 4);
        Assert.Equal(250, four.MaxEpisodeSteps);
        Assert.Equal(TimeSpan.FromMilliseconds(40), four.ControlPeriod);
        var (o1, o4) = (new float[5], new float[5]);
        one.Reset(null, o1);
        four.Reset(null, o4);
        Assert.Equal(o1, o4);
        int agentSteps = 0;
        while (true)
        {
            float a = (float)Math.Sin(agentSteps * 0.1);
            double sum = 0;
            for (int k = 0; k < 4; k++) sum += one.Step([a], o1).Reward;
            var r = four.Step([a], o4);
            agentSteps++;
            Assert.Equal(o1, o4);
            Assert.Equal(sum, r.Reward, 5);
            if (r.Truncated) break;
        }
        Assert.Equal(250, agentSteps);
        Assert.Equal(1000, four.EnvironmentSteps);
    }

    [Fact]
    public void Cartpole_ObservationIsDmcLayout_PoleAngleZeroUpright()
    {
        using var task = (CartpoleTask)MujocoTasks.Create("mj-cartpole-balance", seed: 1);
        var obs = new float[5];
        task.Reset(null, obs);
        Assert.Equal(["cart_position", "pole_zz", "pole_xz", "cart_velocity", "pole_angular_velocity"], task.ObservationSpace.Names);
        Assert.True(obs[1] > 0.999f, "balance starts near upright: cos ~ 1");
        Assert.Equal(Math.Cos(task.Sim.Qpos[1]), obs[1], 6);
        Assert.Equal(Math.Sin(task.Sim.Qpos[1]), obs[2], 6);
        Assert.Equal(task.Sim.Qpos[0], obs[0], 6);
        using var swing = MujocoTasks.Create("mj-cartpole-swingup", seed: 1);
        swing.Reset(null, obs);
        Assert.True(obs[1] < -0.999f, "swingup starts hanging down: cos ~ -1");
        Assert.Equal([-1f], swing.ActionSpace.Low);
        Assert.Equal([1f], swing.ActionSpace.High);
    }

    /// <summary>Moves a freshly reset task to a state where its reward is earned, so the check covers both branches.</summary>
    private static void NearSuccess(MujocoTask task, Random rng)
    {
        var sim = task.Sim;
        switch (task)
        {
            case CartpoleTask:
                sim.Qpos[0] = rng.NextDouble() * 0.4 - 0.2;
                sim.Qpos[1] = rng.NextDouble() * 0.1 - 0.05;
                break;
            case PendulumSwingupTask:
                sim.Qpos[0] = rng.NextDouble() * 0.1 - 0.05;
                break;
            case ReacherTask or Arm3ReachTask:
                int target = sim.Id(MujocoObject.Geom, "target"), finger = sim.Id(MujocoObject.Geom, "finger");
                for (int i = 0; i < 3; i++) sim.GeomPos[3 * target + i] = sim.GeomXpos[3 * finger + i];
                break;
            case CheetahRunTask:
                sim.Qvel[0] = 15;
                break;
        }
        sim.Forward();
    }

    private static string Reference(string id, string file)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "reference", "dmc_rewards_reference.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(id);
        psi.ArgumentList.Add(file);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"reference script failed: {stderr}");
        return stdout;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
