using Robotics.Core.Episodes;
using Robotics.Sim.Environments;

namespace Robotics.Trainer.Tests.Support;

/// <summary>Transitions from an environment under uniformly random actions, as the collect verb records them.</summary>
internal static class RandomRollouts
{
    public static List<Transition> Collect(IEnvironment env, int transitions, int seed)
    {
        var rng = new Random(seed);
        var result = new List<Transition>(transitions);
        var obs = new float[env.ObservationSpace.Dimension];
        long episode = 0;
        int step = 0;
        env.Reset(seed, obs);
        while (result.Count < transitions)
        {
            var action = new float[env.ActionSpace.Dimension];
            for (int i = 0; i < action.Length; i++)
                action[i] = env.ActionSpace.Low[i] + (float)rng.NextDouble() * (env.ActionSpace.High[i] - env.ActionSpace.Low[i]);
            var next = new float[obs.Length];
            var r = env.Step(action, next);
            result.Add(new Transition(episode, step, step * env.ControlPeriod.TotalSeconds, (float[])obs.Clone(), action, r.Reward,
                                      (float[])next.Clone(), r.Terminated, r.Truncated, DataSource.Sim, "test", false));
            step++;
            if (r.Done)
            {
                episode++; step = 0;
                env.Reset(null, obs);
            }
            else next.CopyTo(obs, 0);
        }
        return result;
    }
}
