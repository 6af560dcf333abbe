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
    /// <summary>The episodes, then <paramref name="copies"/> blocks of them, copy k of episode i with id i + k x (max id + 1).</summary>
    public static IEnumerable<Episode> Relabel(IReadOnlyList<Episode> episodes, IGoalRelabelling robot, int copies, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        var rng = new Random(seed);
        long block = episodes.Count == 0 ? 0 : episodes.Max(e => e.Id) + 1;
        var goal = new float[robot.GoalDimension];
        foreach (var e in episodes) yield return e;
        for (int k = 1; k <= copies; k++)
            foreach (var e in episodes)
            {
                long id = e.Id + k * block;
                robot.DrawGoal(rng, goal);   // one goal per copy: a target does not move within an episode
                var rows = new List<Transition>(e.Transitions.Count);
                foreach (var t in e.Transitions)
                {
                    var obs = new float[t.Obs.Length];
                    var next = new float[t.NextObs.Length];
                    float reward = robot.Relabel(t.Obs, t.Action, t.NextObs, goal, obs, next);
                    rows.Add(t with { Episode = id, Obs = obs, NextObs = next, Reward = reward });
                }
                yield return new Episode(id, rows) { Metadata = e.Metadata };
            }
    }
}
