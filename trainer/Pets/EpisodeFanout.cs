using Robotics.Core.Episodes;
using Robotics.Runtime.Loop;

namespace Robotics.Trainer.Pets;

/// <summary>Hands each episode to several sinks (the Parquet data directory and the in-memory training set).</summary>
internal sealed class EpisodeFanout(params IEpisodeSink[] sinks) : IEpisodeSink
{
    public void Write(Episode episode)
    {
        foreach (var s in sinks) s.Write(episode);
    }
}
