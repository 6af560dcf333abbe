using Robotics.Core.Episodes;

namespace Robotics.Runtime.Loop;

/// <summary>Where the loop hands each finished episode (a Parquet directory, a list in memory). Not real-time.</summary>
public interface IEpisodeSink
{
    void Write(Episode episode);
}
