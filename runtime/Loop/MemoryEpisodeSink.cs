using Robotics.Core.Episodes;

namespace Robotics.Runtime.Loop;

/// <summary>Keeps finished episodes in memory (learning loops, tests).</summary>
public sealed class MemoryEpisodeSink : IEpisodeSink
{
    private readonly List<Episode> _episodes = [];

    public IReadOnlyList<Episode> Episodes => _episodes;

    public void Write(Episode episode) => _episodes.Add(episode);
}
