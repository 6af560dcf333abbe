namespace Robotics.Core.Episodes;

/// <summary>File naming of the episode store: one <c>episode-{id:D6}.parquet</c> per episode, read in name order.</summary>
public static class EpisodeFiles
{
    public const string Extension = ".parquet";

    /// <summary>The file name of episode <paramref name="id"/> (ids sort in name order up to 999999).</summary>
    public static string FileName(long id) =>
        id >= 0 ? $"episode-{id:D6}{Extension}" : throw new ArgumentOutOfRangeException(nameof(id), id, "episode ids are non-negative");

    /// <summary>
    /// The temporary name a file is written under before its atomic rename. It does not end in ".parquet", so
    /// readers never see a half-written file; it starts with a dot and carries the writer's process id.
    /// </summary>
    internal static string TempFileName(long id) => $".{FileName(id)}.{Environment.ProcessId}.tmp";

    /// <summary>Full paths of the *.parquet files directly in <paramref name="directory"/>, in ordinal name order.</summary>
    public static IReadOnlyList<string> List(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"episode directory '{directory}' does not exist");
        var files = Directory.EnumerateFiles(directory)
            .Where(f => Path.GetFileName(f).EndsWith(Extension, StringComparison.Ordinal))
            .ToList();
        files.Sort((a, b) => string.CompareOrdinal(Path.GetFileName(a), Path.GetFileName(b)));
        return files;
    }
}
