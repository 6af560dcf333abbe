using Robotics.Core.Episodes;
using Robotics.Sim.Environments;

namespace Robotics.Trainer.Tests.Support;

/// <summary>Writes episode directories the way the collect verb does (footer metadata included).</summary>
internal static class EpisodeFixtures
{
    public static Dictionary<string, string> MetadataFor(IEnvironment env) => new()
    {
        ["robotics.env"] = env.Id,
        ["robotics.observation_names"] = string.Join(",", env.ObservationSpace.Names),
        ["robotics.action_names"] = string.Join(",", env.ActionSpace.Names),
    };

    /// <summary>Random-action episodes of <paramref name="env"/>, <paramref name="steps"/> transitions each.</summary>
    public static void WriteRandom(string dir, IEnvironment env, int episodes, int steps, int seed, long firstId = 0,
                                   Func<int, Transition, Transition>? edit = null)
    {
        var rows = RandomRollouts.Collect(env, episodes * steps, seed);
        using var writer = new EpisodeWriter(dir, new EpisodeWriterOptions { Durable = false, Metadata = MetadataFor(env) });
        for (int e = 0; e < episodes; e++)
        {
            long id = firstId + e;
            var ts = rows.Skip(e * steps).Take(steps).Select((t, i) => t with { Episode = id, Step = i }).ToList();
            if (edit is not null) ts = ts.Select((t, i) => edit(i, t)).ToList();
            writer.WriteEpisode(new Episode(id, ts));
        }
    }

    public static void Write(string dir, IReadOnlyDictionary<string, string> metadata, Episode episode)
    {
        using var writer = new EpisodeWriter(dir, new EpisodeWriterOptions { Durable = false, Metadata = metadata });
        writer.WriteEpisode(episode);
    }
}
