using Robotics.Core.Cli;
using Robotics.Core.Episodes;

namespace Robotics.Trainer.Collection;

/// <summary>
/// An output directory claimed for a run: checked, created if needed and probed for writing before any data is
/// produced. <see cref="Rollback"/> removes what the run created (the directories it made, or only the files
/// it wrote into a directory that already existed), so a failed run leaves nothing partial behind.
/// </summary>
public sealed class OutputDirectory
{
    private readonly string? _createdRoot;

    private OutputDirectory(string path, string? createdRoot)
    {
        Path = path;
        _createdRoot = createdRoot;
    }

    /// <summary>Absolute path of the directory.</summary>
    public string Path { get; }

    /// <summary>
    /// Claims <paramref name="path"/> for <paramref name="option"/>. Throws <see cref="UsageException"/> naming the
    /// option when it is a file, under a file, not creatable or not writable, or already holds episode files
    /// (unless <paramref name="replaceEpisodes"/>, which deletes them once every check has passed); in every
    /// failing case nothing is left created.
    /// </summary>
    public static OutputDirectory Claim(string? path, string option, bool replaceEpisodes = false)
    {
        CliApp.Require(!string.IsNullOrWhiteSpace(path), $"{option} must name a directory");
        string full;
        try
        {
            full = System.IO.Path.GetFullPath(path!);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"{option} '{path}' is not a valid path ({e.Message})");
        }
        if (File.Exists(full))
            throw new UsageException($"{option} '{path}' is a file, not a directory");
        string? firstMissing = null;
        for (string? dir = full; dir is not null; dir = System.IO.Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) break;
            if (File.Exists(dir))
                throw new UsageException($"{option} '{path}' is under the file '{dir}'");
            firstMissing = dir;
        }
        if (firstMissing is null && !replaceEpisodes && EpisodeFiles.List(full).Count > 0)
            throw new UsageException($"{option} '{path}' already holds episode files; choose a new or empty directory, or pass --overwrite");

        var claimed = new OutputDirectory(full, firstMissing);
        try
        {
            Directory.CreateDirectory(full);
            string probe = System.IO.Path.Combine(full, $".write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            if (replaceEpisodes && firstMissing is null)
                foreach (string old in EpisodeFiles.List(full)) File.Delete(old);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            claimed.Rollback([]);
            throw new UsageException($"{option} '{path}' is not writable ({e.Message})");
        }
        return claimed;
    }

    /// <summary>
    /// Claims <paramref name="path"/> for a run that writes a whole tree (a model folder, curves): it must be new or
    /// empty. Throws <see cref="UsageException"/> naming <paramref name="option"/> otherwise.
    /// </summary>
    public static OutputDirectory ClaimEmpty(string? path, string option)
    {
        if (!string.IsNullOrWhiteSpace(path) && Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
            throw new UsageException($"{option}: '{path}' is not empty; choose a new or empty directory");
        return Claim(path, option);
    }

    /// <summary>Removes what the run created: the directory tree it made, else just <paramref name="files"/>.</summary>
    public void Rollback(IEnumerable<string> files)
    {
        try
        {
            if (_createdRoot is not null)
            {
                if (Directory.Exists(_createdRoot)) Directory.Delete(_createdRoot, recursive: true);
                return;
            }
            foreach (string file in files) File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: could not remove everything under '{Path}': {e.Message}");
        }
    }
}
