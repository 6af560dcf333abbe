using Robotics.Sim.Mujoco;
using Robotics.Sim.Mujoco.Tasks;

namespace Robotics.Sim.Tests.Mujoco;

/// <summary>Goal relabelling of DMC reacher: a recorded transition under another target is the one the arm makes with it.</summary>
public class ReacherRelabelTests
{
    private static readonly MujocoTaskOptions Repeat4 = new() { ActionRepeat = 4 };

    private static (float[] Obs, float[] Action, float[] Next, float Reward)[] Record(ReacherTask task, int steps)
    {
        var rows = new (float[], float[], float[], float)[steps];
        var rng = new Random(11);
        float[] obs = Current(task);
        for (int k = 0; k < steps; k++)
        {
            float[] action = [(float)(rng.NextDouble() * 2.4 - 1.2), (float)(rng.NextDouble() * 2 - 1)];   // beyond [-1, 1] at times: clipped
            var next = new float[6];
            float reward = task.Step(action, next).Reward;
            rows[k] = (obs, action, next, reward);
            obs = next;
        }
        return rows;
    }

    /// <summary>The observation of the current state, re-emitted (velocities written back unchanged).</summary>
    private static float[] Current(ReacherTask task)
    {
        var obs = new float[6];
        task.SetVelocities(task.Sim.Qvel.ToArray(), obs);
        return obs;
    }

    private static (double X, double Y) Target(ReacherTask task)
    {
        int id = task.Sim.Id(MujocoObject.Geom, "target");
        return (task.Sim.GeomXpos[3 * id], task.Sim.GeomXpos[3 * id + 1]);
    }

    [Fact]
    public void Relabel_UnderTheRecordedTarget_GivesBackTheRecordedTransition()
    {
        using var recorded = new ReacherTask(hard: false, seed: 1, Repeat4);
        recorded.Reset(5, new float[6]);
        var (tx, ty) = Target(recorded);
        var rows = Record(recorded, 60);
        using var relabeller = new ReacherTask(hard: false, seed: 2, Repeat4);
        relabeller.Reset(9, new float[6]);
        float[] goal = [(float)tx, (float)ty], newObs = new float[6], newNext = new float[6];
        int rewarded = 0;
        foreach (var (obs, action, next, reward) in rows)
        {
            float r = relabeller.Relabel(obs, action, next, goal, newObs, newNext);
            for (int d = 0; d < 6; d++)
            {
                Assert.Equal(obs[d], newObs[d], 1e-5f);
                Assert.Equal(next[d], newNext[d], 1e-5f);
            }
            Assert.Equal(reward, r);
            if (reward > 0) rewarded++;
        }
        Assert.Equal(rows.Count(x => x.Reward > 0), rewarded);
    }

    [Fact]
    public void Relabel_UnderANewTarget_GivesTheTransitionTheArmMakesWithThatTarget()
    {
        using var recorded = new ReacherTask(hard: false, seed: 1, Repeat4);
        recorded.Reset(5, new float[6]);
        var (tx, ty) = Target(recorded);
        var rows = Record(recorded, 60);
        // The new target sits where the finger was at step 20, so some relabelled rewards are 1 where the recorded were 0.
        float gx = (float)(tx - rows[20].Next[2]), gy = (float)(ty - rows[20].Next[3]);

        using var truth = new ReacherTask(hard: false, seed: 1, Repeat4);
        truth.Reset(5, new float[6]);
        int target = truth.Sim.Id(MujocoObject.Geom, "target");
        truth.Sim.GeomPos[3 * target] = gx;
        truth.Sim.GeomPos[3 * target + 1] = gy;
        var truthRows = Record(truth, 60);

        using var relabeller = new ReacherTask(hard: false, seed: 2, Repeat4);
        relabeller.Reset(9, new float[6]);
        float[] goal = [gx, gy], newObs = new float[6], newNext = new float[6];
        int changed = 0, rewarded = 0;
        for (int k = 0; k < rows.Length; k++)
        {
            var (obs, action, next, reward) = rows[k];
            float r = relabeller.Relabel(obs, action, next, goal, newObs, newNext);
            Assert.Equal(obs.AsSpan(0, 2).ToArray(), newObs.AsSpan(0, 2).ToArray());   // the arm is untouched
            Assert.Equal(next.AsSpan(4, 2).ToArray(), newNext.AsSpan(4, 2).ToArray());
            for (int d = 0; d < 6; d++)
            {
                Assert.Equal(truthRows[k].Obs[d], newObs[d], 1e-4f);
                Assert.Equal(truthRows[k].Next[d], newNext[d], 1e-4f);
            }
            Assert.Equal(truthRows[k].Reward, r);
            if (r != reward) changed++;
            if (r > 0) rewarded++;
        }
        Assert.True(rewarded > 0 && changed > 0, $"the new target changed {changed} rewards, {rewarded} positive: the check above compared zeros");
    }

    [Fact]
    public void DrawGoal_DrawsTargetsAsTheResetDoes()
    {
        using var task = new ReacherTask(hard: true);
        var rng = new Random(4);
        var goal = new float[task.GoalDimension];
        int[] quadrants = new int[4];
        for (int k = 0; k < 400; k++)
        {
            task.DrawGoal(rng, goal);
            double r = Math.Sqrt(goal[0] * goal[0] + goal[1] * goal[1]);
            Assert.InRange(r, 0.05 - 1e-6, 0.2 + 1e-6);
            quadrants[(goal[0] >= 0 ? 0 : 1) + (goal[1] >= 0 ? 0 : 2)]++;
        }
        Assert.All(quadrants, n => Assert.InRange(n, 60, 140));
    }

    [Fact]
    public void Relabel_RefusesRandomisedPhysics()
    {
        using var task = new ReacherTask(hard: false, seed: 0, new MujocoTaskOptions { Randomisation = PhysicsRandomisation.Default });
        var obs = new float[6];
        task.Reset(0, obs);
        var e = Assert.Throws<InvalidOperationException>(() =>
            task.Relabel(obs, new float[2], obs, new float[2], new float[6], new float[6]));
        Assert.Contains("randomised", e.Message);
    }
}
