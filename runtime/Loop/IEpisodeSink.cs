using Robotics.Core.Episodes;

namespace Robotics.Runtime.Loop;

/// <summary>Where the loop hands each finished episode (a Parquet directory, a list in memory). Not real-time.</summary>
public interface IEpisodeSink
{
    void Write(Episode episode);
}

/// <summary>
/// A sink that also takes the episode in progress in chunks, so a process killed mid-episode loses at most
/// <see cref="FlushInterval"/> of it. The loop's flusher calls <see cref="WritePartAsync"/> off the loop's
/// thread with parts 0, 1, 2, ... (a failed part is written again, same number, with more rows); the
/// finished episode's <see cref="IEpisodeSink.Write"/> replaces its parts. Not real-time.
/// </summary>
public interface IChunkedEpisodeSink : IEpisodeSink
{
    TimeSpan FlushInterval { get; }

    Task WritePartAsync(long episode, int part, IReadOnlyList<Transition> rows, CancellationToken ct);
}
