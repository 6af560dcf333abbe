using Robotics.Core.Episodes;

namespace Robotics.Runtime.Loop;

/// <summary>
/// Writes each finished episode as one crash-safe Parquet file in a directory (core's <see cref="EpisodeWriter"/>),
/// and the episode in progress as part files every <see cref="FlushInterval"/> (default 500 ms, so with the
/// write itself a kill -9 loses well under a second). <see cref="NextEpisodeId"/> continues the folder's numbering.
/// </summary>
public sealed class ParquetEpisodeSink : IChunkedEpisodeSink, IDisposable
{
    private readonly EpisodeWriter _writer;

    public ParquetEpisodeSink(string directory, EpisodeWriterOptions? options = null, TimeSpan? flushInterval = null)
    {
        _writer = new EpisodeWriter(directory, options);
        FlushInterval = flushInterval ?? TimeSpan.FromMilliseconds(500);
        if (FlushInterval <= TimeSpan.Zero)
            throw new ArgumentException($"episode sink: flush interval must be positive, got {FlushInterval}");
    }

    public string Directory => _writer.Directory;

    public TimeSpan FlushInterval { get; }

    /// <summary>One past the highest episode id already in the folder (0 when empty).</summary>
    public long NextEpisodeId => _writer.NextEpisodeId;

    public void Write(Episode episode) => _writer.WriteEpisode(episode);

    public Task WritePartAsync(long episode, int part, IReadOnlyList<Transition> rows, CancellationToken ct) =>
        _writer.WritePartAsync(episode, part, rows, ct);

    public void Dispose() => _writer.Dispose();
}
