using Robotics.Core.Episodes;
using Robotics.Sim.Environments;

namespace Robotics.Trainer.Data;

/// <summary>
/// `robotics-train relabel`: every recorded episode of a goal-carrying robot (<see cref="IGoalRelabelling"/>, the
/// reacher's target) written again with <c>copies</c> other goals drawn from the robot's goal distribution, each copy a
/// true trajectory of the same arm under another goal. Trained on the result, an ensemble stops disagreeing about
/// targets it never saw, which would otherwise veto whole in-distribution episodes. Not real-time.
/// </summary>
public static class GoalRelabelling
{
    /// <summary>Id of copy k (1..copies) of episode <paramref name="id"/>: originals keep theirs, copies follow in blocks.</summary>
    public static long CopyId(long id, int k, long originals) => id + k * originals;

    public static IEnumerable<Episode> Relabel(IReadOnlyList<Episode> episodes, IGoalRelabelling robot, int copies, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        var rng = new Random(seed);
        long originals = episodes.Count == 0 ? 0 : episodes.Max(e => e.Id) + 1;
        foreach (var e in episodes) yield return e;
        for (int k = 1; k <= copies; k++)
            foreach (var e in episodes)
            {
                long id = CopyId(e.Id, k, originals);
                var rows = new List<Transition>(e.Transitions.Count);
                // One goal per copied episode (a target does not move within an episode): the same draw for every row.
                int goalSeed = rng.Next();
                foreach (var t in e.Transitions)
                {
                    var obs = new float[t.Obs.Length];
                    var next = new float[t.NextObs.Length];
                    float reward = robot.Relabel(t.Obs, t.Action, t.NextObs, new Random(goalSeed), obs, next);
                    rows.Add(t with { Episode = id, Obs = obs, NextObs = next, Reward = reward });
                }
                yield return new Episode(id, rows) { Metadata = e.Metadata };
            }
    }
}
