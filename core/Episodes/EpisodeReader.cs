using System.Security.Cryptography;
using Parquet;
using Parquet.Schema;

namespace Robotics.Core.Episodes;

/// <summary>
/// Reads the episode store written by <see cref="EpisodeWriter"/> (or any Parquet writer using the
/// <see cref="EpisodeSchema"/> columns). Files are taken in ordinal name order; a file with a missing or
/// mistyped column or a null value fails with <see cref="InvalidDataException"/> naming the file.
/// </summary>
public static class EpisodeReader
{
    /// <summary>Every transition of every *.parquet file in <paramref name="directory"/>, files in name order.</summary>
    public static IReadOnlyList<Transition> ReadDirectory(string directory) =>
        ReadDirectoryAsync(directory).GetAwaiter().GetResult();

    public static async Task<IReadOnlyList<Transition>> ReadDirectoryAsync(string directory, CancellationToken cancellationToken = default)
    {
        var all = new List<Transition>();
        foreach (string file in EpisodeFiles.List(directory))
            all.AddRange(await ReadFileAsync(file, cancellationToken).ConfigureAwait(false));
        return all;
    }

    /// <summary>
    /// The directory's transitions grouped into episodes by the <c>episode</c> column, in order of first
    /// appearance; transitions keep their file order.
    /// </summary>
    public static IReadOnlyList<Episode> ReadEpisodes(string directory) =>
        ReadDirectory(directory)
            .GroupBy(t => t.Episode)
            .Select(g => new Episode(g.Key, g.ToList()))
            .ToList();

    /// <summary>The transitions of one Parquet file, all row groups in order.</summary>
    public static IReadOnlyList<Transition> ReadFile(string path) => ReadFileAsync(path).GetAwaiter().GetResult();

    public static async Task<IReadOnlyList<Transition>> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string name = Path.GetFileName(path);
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{name}: not a readable Parquet file ({e.Message})", e);
        }
        await using (reader.ConfigureAwait(false))
        {
            var columns = new EpisodeColumns(reader.Schema, name);
            var rows = new List<Transition>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                await columns.ReadRowGroupAsync(group, rows, cancellationToken).ConfigureAwait(false);
            }
            return rows;
        }
    }

    /// <summary>
    /// SHA-256 (lowercase hex) over the bytes of the directory's *.parquet files concatenated in name order:
    /// the training-data digest recorded in model cards.
    /// </summary>
    public static string Digest(string directory)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        foreach (string file in EpisodeFiles.List(directory))
        {
            using var stream = File.OpenRead(file);
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                sha.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The key-value metadata of a file's footer (what <see cref="EpisodeWriterOptions.Metadata"/> wrote).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => ReadMetadataAsync(path).GetAwaiter().GetResult();

    public static async Task<IReadOnlyDictionary<string, string>> ReadMetadataAsync(string path, CancellationToken cancellationToken = default)
    {
        var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
            return new Dictionary<string, string>(reader.CustomMetadata);
    }
}
