using System.Globalization;

namespace Robotics.Core.Episodes;

/// <summary>
/// File naming of the episode store: one <c>episode-{id:D6}.parquet</c> per finished episode, and while an
/// episode is being recorded its chunks as <c>episode-{id:D6}.part-{k:D6}.parquet</c> (each a whole Parquet
/// file; a finished episode's file replaces its parts). Files are read in name order, which keeps an
/// episode's parts together and in step order.
/// </summary>
public static class EpisodeFiles
{
    public const string Extension = ".parquet";
    private const string Prefix = "episode-", PartInfix = ".part-";

    /// <summary>The file name of episode <paramref name="id"/> (ids sort in name order up to 999999).</summary>
    public static string FileName(long id) =>
        id >= 0 ? $"{Prefix}{id:D6}{Extension}" : throw new ArgumentOutOfRangeException(nameof(id), id, "episode ids are non-negative");

    /// <summary>The file name of chunk <paramref name="part"/> of the episode <paramref name="id"/> still being recorded.</summary>
    public static string PartFileName(long id, int part) =>
        part >= 0 ? $"{Prefix}{id:D6}{PartInfix}{part:D6}{Extension}" : throw new ArgumentOutOfRangeException(nameof(part), part, "part numbers are non-negative");

    /// <summary>
    /// The temporary name a file is written under before its atomic rename. It does not end in ".parquet", so
    /// readers never see a half-written file; it starts with a dot and carries the writer's process id.
    /// </summary>
    internal static string TempFileName(string finalName) => $".{finalName}.{Environment.ProcessId}.tmp";

    internal static string TempFileName(long id) => TempFileName(FileName(id));

    /// <summary>
    /// Parses a store file name: the episode id, and the part number (-1 for a finished episode's file).
    /// False for anything else (other Parquet files in the folder keep their own names).
    /// </summary>
    public static bool TryParse(string fileName, out long id, out int part)
    {
        id = -1; part = -1;
        if (!fileName.StartsWith(Prefix, StringComparison.Ordinal) || !fileName.EndsWith(Extension, StringComparison.Ordinal)) return false;
        string core = fileName[Prefix.Length..^Extension.Length];
        int infix = core.IndexOf(PartInfix, StringComparison.Ordinal);
        string idText = infix < 0 ? core : core[..infix];
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out id)) return false;
        if (infix < 0) return true;
        return int.TryParse(core[(infix + PartInfix.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out part);
    }

    /// <summary>
    /// The id a new episode in <paramref name="directory"/> gets: one past the highest id of any episode or
    /// part file there (0 for an empty or missing folder), so a second recording into a folder continues it.
    /// </summary>
    public static long NextId(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        long next = 0;
        foreach (string f in Directory.EnumerateFiles(directory))
            if (TryParse(Path.GetFileName(f), out long id, out _)) next = Math.Max(next, id + 1);
        return next;
    }

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
