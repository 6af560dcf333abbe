using Robotics.Core.Episodes;
using Robotics.Sim.Environments;
using Robotics.Runtime.Controllers;

namespace Robotics.Trainer.Collection;

/// <summary>
/// Rolls a policy out in a simulated environment and writes every finished episode to the episode store
/// before starting the next, so a killed run keeps all completed episodes.
/// </summary>
public sealed class EpisodeCollector(IEnvironment env, IController policy, EpisodeWriter writer, string robotId, TimeProvider time)
{
    /// <summary>
    /// Runs episodes <c>0..count-1</c>. Gymnasium seeding: the first reset takes <paramref name="seed"/>,
    /// later resets continue the environment's generator. <paramref name="onEpisode"/> sees each written episode.
    /// </summary>
    public async Task<CollectionResult> RunAsync(int count, int seed, Action<Episode>? onEpisode = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        long start = time.GetTimestamp();
        var returns = new List<float>(count);
        long transitions = 0;
        for (int id = 0; id < count; id++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var episode = RollOut(id, id == 0 ? seed : null);
            await writer.WriteEpisodeAsync(episode, cancellationToken).ConfigureAwait(false);
            returns.Add(episode.Return);
            transitions += episode.Length;
            onEpisode?.Invoke(episode);
        }
        return new CollectionResult(returns, transitions, writer.WrittenFiles.ToList(), time.GetElapsedTime(start));
    }

    private Episode RollOut(long id, int? seed)
    {
        int obsDim = env.ObservationSpace.Dimension, actionDim = env.ActionSpace.Dimension;
        double dt = env.ControlPeriod.TotalSeconds;
        var rows = new List<Transition>(env.MaxEpisodeSteps);
        var obs = new float[obsDim];
        env.Reset(seed, obs);
        policy.Reset();
        // The cap guards against an environment that never reports truncation.
        for (int step = 0; step < env.MaxEpisodeSteps; step++)
        {
            var action = new float[actionDim];
            policy.Act(obs, action);
            var next = new float[obsDim];
            StepResult r = env.Step(action, next);
            bool truncated = r.Truncated || (!r.Terminated && step == env.MaxEpisodeSteps - 1);
            rows.Add(new Transition(id, step, step * dt, obs, action, r.Reward, next, r.Terminated, truncated,
                DataSource.Sim, robotId, Vetoed: false));
            if (r.Terminated || truncated) break;
            obs = next;
        }
        // Randomised physics and the like: what this episode's robot was, in its own file's metadata.
        Dictionary<string, string>? metadata = null;
        if (env is IEpisodeMetadataSource source) source.DescribeEpisode(metadata = new Dictionary<string, string>(StringComparer.Ordinal));
        return new Episode(id, rows) { Metadata = metadata };
    }
}
