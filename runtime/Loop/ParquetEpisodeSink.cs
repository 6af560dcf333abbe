using Robotics.Core.Episodes;

namespace Robotics.Runtime.Loop;

/// <summary>Writes each finished episode as one crash-safe Parquet file in a directory (core's <see cref="EpisodeWriter"/>).</summary>
public sealed class ParquetEpisodeSink(string directory, EpisodeWriterOptions? options = null) : IEpisodeSink, IDisposable
{
    private readonly EpisodeWriter _writer = new(directory, options);

    public string Directory => _writer.Directory;

    public void Write(Episode episode) => _writer.WriteEpisode(episode);

    public void Dispose() => _writer.Dispose();
}
