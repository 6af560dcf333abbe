using Robotics.Core.Episodes;
using Robotics.Sim.Environments;
using Robotics.Trainer.Data;

namespace Robotics.Trainer.Tests.Data;

public class GoalRelabellingTests
{
    private static List<Episode> Recorded(int episodes, int steps)
    {
        var env = new Reacher2D(5);
        var rng = new Random(1);
        var list = new List<Episode>();
        for (int e = 0; e < episodes; e++)
        {
            var obs = new float[10];
            env.Reset(100 + e, obs);
            var rows = new List<Transition>();
            for (int s = 0; s < steps; s++)
            {
                float[] a = [(float)(rng.NextDouble() * 2 - 1), (float)(rng.NextDouble() * 2 - 1)], next = new float[10];
                var r = env.Step(a, next);
                rows.Add(new Transition(e, s, s * 0.05, (float[])obs.Clone(), a, r.Reward, (float[])next.Clone(), false, s == steps - 1, DataSource.Sim, "r", false));
                obs = next;
            }
            list.Add(new Episode(e, rows));
        }
        return list;
    }

    [Fact]
    public void Relabel_KeepsTheRecordedEpisodes_AndAddsCopiesWithOneNewTargetEach()
    {
        var recorded = Recorded(3, 12);
        var all = GoalRelabelling.Relabel(recorded, new Reacher2D(0), copies: 2, seed: 0).ToList();

        Assert.Equal(9, all.Count);
        Assert.Equal(all.Count, all.Select(e => e.Id).Distinct().Count());
        Assert.Same(recorded[0], all[0]);
        var targets = new HashSet<(float, float)>();
        foreach (var copy in all.Skip(3))
        {
            var original = recorded.Single(e => e.Id == copy.Id % 3);
            var goal = (copy.Transitions[0].Obs[6], copy.Transitions[0].Obs[7]);
            Assert.True(targets.Add(goal), "each copy draws its own target");
            for (int s = 0; s < copy.Transitions.Count; s++)
            {
                Transition t = copy.Transitions[s], o = original.Transitions[s];
                Assert.Equal(copy.Id, t.Episode);
                Assert.Equal(goal, (t.Obs[6], t.Obs[7]));                       // the target stays put within an episode
                Assert.Equal(goal, (t.NextObs[6], t.NextObs[7]));
                Assert.Equal(o.Obs[..6], t.Obs[..6]);                            // the same arm trajectory and commands
                Assert.Equal(o.Action, t.Action);
                if (s > 0) Assert.Equal(copy.Transitions[s - 1].NextObs, t.Obs);   // still one continuous episode
            }
        }
    }
}
