using Robotics.Core.Robots;
using Parquet;
using Parquet.Schema;
using S = Robotics.Core.Episodes.EpisodeParquetSchema;

namespace Robotics.Core.Episodes;

/// <summary>
/// Writes one Parquet file per episode (<c>episode-{id:D6}.parquet</c>, columns in <see cref="EpisodeSchema"/>)
/// into a directory, crash-safely: each file is written under a temporary name that does not end in
/// ".parquet", flushed and fsynced, then atomically renamed. A process killed at any point leaves every
/// earlier episode readable and never a half file under a ".parquet" name (at most a dot-named ".tmp" file,
/// which readers ignore). An episode still being recorded can be written in chunks
/// (<see cref="WritePart"/>, each chunk its own whole file, written the same way); the finished episode's
/// file then replaces its parts. A writer opened on a folder where a crash left both an episode's file and
/// its parts deletes the parts (the file is complete: it was renamed only after its fsync).
/// Not thread-safe; not hot path.
/// </summary>
public sealed class EpisodeWriter : IDisposable
{
    private readonly EpisodeWriterOptions _options;
    private readonly List<string> _written = [];
    private bool _disposed;

    /// <summary>Creates <paramref name="directory"/> when it does not exist.</summary>
    public EpisodeWriter(string directory, EpisodeWriterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _options = (options ?? new EpisodeWriterOptions()).Validate();
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        DeleteSupersededParts();
    }

    /// <summary>The id the next new episode in this folder gets (continues the numbering of earlier recordings).</summary>
    public long NextEpisodeId => EpisodeFiles.NextId(Directory);

    /// <summary>Absolute path of the episode directory.</summary>
    public string Directory { get; }

    /// <summary>Opens the temporary file; tests swap in fault-injecting streams.</summary>
    internal Func<string, Stream> OpenTemp { get; init; } =
        static path => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);

    /// <summary>Full paths of the files this writer has completed, in write order.</summary>
    public IReadOnlyList<string> WrittenFiles => _written;

    /// <summary>Writes <paramref name="episode"/> as one file; blocks until it is durable (when so configured).</summary>
    public void WriteEpisode(Episode episode) => WriteEpisodeAsync(episode).GetAwaiter().GetResult();

    /// <summary>
    /// Writes <paramref name="episode"/> as one file and then deletes the chunks <see cref="WritePart"/> wrote
    /// of it. On failure or cancellation the temporary file is removed and no ".parquet" file of this
    /// episode appears (its parts stay).
    /// </summary>
    public async Task WriteEpisodeAsync(Episode episode, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Validate(episode);
        string final = Path.Combine(Directory, EpisodeFiles.FileName(episode.Id));
        if (!_options.Overwrite && File.Exists(final))
            throw new IOException($"episode file '{final}' already exists");
        await WriteFileAsync(final, episode.Transitions, _options.Overwrite, cancellationToken, episode.Metadata).ConfigureAwait(false);
        _written.Add(final);
        if (DeleteParts(episode.Id) > 0 && _options.Durable) DirectorySync.Fsync(Directory);
    }

    /// <summary>
    /// Writes chunk <paramref name="part"/> (0, 1, 2, ...) of the episode still being recorded as its own
    /// crash-safe file (<see cref="EpisodeFiles.PartFileName"/>), replacing an earlier write of the same part.
    /// Together the parts hold every transition written so far; readers take them in name order.
    /// </summary>
    public void WritePart(long episodeId, int part, IReadOnlyList<Transition> rows) =>
        WritePartAsync(episodeId, part, rows).GetAwaiter().GetResult();

    public async Task WritePartAsync(long episodeId, int part, IReadOnlyList<Transition> rows, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Validate(new Episode(episodeId, rows));
        string final = Path.Combine(Directory, EpisodeFiles.PartFileName(episodeId, part));
        await WriteFileAsync(final, rows, overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteFileAsync(string final, IReadOnlyList<Transition> rows, bool overwrite, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? episodeMetadata = null)
    {
        string temp = Path.Combine(Directory, EpisodeFiles.TempFileName(Path.GetFileName(final)));
        try
        {
            var stream = OpenTemp(temp);
            await using (stream.ConfigureAwait(false))
            {
                await WriteParquetAsync(rows, stream, cancellationToken, episodeMetadata).ConfigureAwait(false);
                if (_options.Durable && stream is FileStream file) file.Flush(flushToDisk: true);
                else await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, final, overwrite);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        if (_options.Durable) DirectorySync.Fsync(Directory);
    }

    /// <summary>Deletes the part files of <paramref name="id"/>; returns how many.</summary>
    private int DeleteParts(long id)
    {
        int n = 0;
        foreach (string f in System.IO.Directory.EnumerateFiles(Directory))
            if (EpisodeFiles.TryParse(Path.GetFileName(f), out long fid, out int part) && fid == id && part >= 0)
            {
                File.Delete(f);
                n++;
            }
        return n;
    }

    /// <summary>Crash recovery: parts of an episode whose whole file exists are leftovers of an interrupted clean-up.</summary>
    private void DeleteSupersededParts()
    {
        var finished = new HashSet<long>();
        var parted = new HashSet<long>();
        foreach (string f in System.IO.Directory.EnumerateFiles(Directory))
            if (EpisodeFiles.TryParse(Path.GetFileName(f), out long id, out int part))
                (part < 0 ? finished : parted).Add(id);
        foreach (long id in parted)
            if (finished.Contains(id)) DeleteParts(id);
    }

    public void Dispose() => _disposed = true;

    private async Task WriteParquetAsync(IReadOnlyList<Transition> rows, Stream stream, CancellationToken ct,
        IReadOnlyDictionary<string, string>? episodeMetadata = null)
    {
        int n = rows.Count;
        var episode = new long[n];
        var step = new int[n];
        var time = new double[n];
        var reward = new float[n];
        var terminated = new bool[n];
        var truncated = new bool[n];
        var vetoed = new bool[n];
        var source = new string[n];
        var robotId = new string[n];
        var safety = new string[n];
        for (int i = 0; i < n; i++)
        {
            var t = rows[i];
            episode[i] = t.Episode; step[i] = t.Step; time[i] = t.Time; reward[i] = t.Reward;
            terminated[i] = t.Terminated; truncated[i] = t.Truncated; vetoed[i] = t.Vetoed;
            source[i] = S.ToWire(t.Source); robotId[i] = t.RobotId; safety[i] = t.Safety.ToWire();
        }

        await using var writer = await ParquetWriter.CreateAsync(S.Schema, stream, cancellationToken: ct).ConfigureAwait(false);
        if (episodeMetadata is { Count: > 0 })
        {
            var merged = new Dictionary<string, string>(_options.Metadata);
            foreach (var (k, v) in episodeMetadata) merged[k] = v;
            writer.CustomMetadata = merged;
        }
        else if (_options.Metadata.Count > 0) writer.CustomMetadata = _options.Metadata;
        using var group = writer.CreateRowGroup();
        // Columns must be written in schema order.
        await group.WriteAsync<long>(S.Episode, episode, cancellationToken: ct).ConfigureAwait(false);
        await group.WriteAsync<int>(S.Step, step, cancellationToken: ct).ConfigureAwait(false);
        await group.WriteAsync<double>(S.Time, time, cancellationToken: ct).ConfigureAwait(false);
        await WriteListAsync(group, S.ObsItem, rows, static t => t.Obs, ct).ConfigureAwait(false);
        await WriteListAsync(group, S.ActionItem, rows, static t => t.Action, ct).ConfigureAwait(false);
        await group.WriteAsync<float>(S.Reward, reward, cancellationToken: ct).ConfigureAwait(false);
        await WriteListAsync(group, S.NextObsItem, rows, static t => t.NextObs, ct).ConfigureAwait(false);
        await group.WriteAsync<bool>(S.Terminated, terminated, cancellationToken: ct).ConfigureAwait(false);
        await group.WriteAsync<bool>(S.Truncated, truncated, cancellationToken: ct).ConfigureAwait(false);
        await group.WriteAsync(S.Source, source).ConfigureAwait(false);
        await group.WriteAsync(S.RobotId, robotId).ConfigureAwait(false);
        await group.WriteAsync<bool>(S.Vetoed, vetoed, cancellationToken: ct).ConfigureAwait(false);
        await group.WriteAsync(S.Safety, safety).ConfigureAwait(false);
        await WriteListAsync(group, S.ProposedItem, rows, static t => t.Judged, ct).ConfigureAwait(false);
        group.CompleteValidate();
    }

    /// <summary>
    /// Writes a LIST column as Dremel levels: repetition 0 starts a row, 1 continues it; definition
    /// max = an element, max-1 = an empty list. Values hold only the defined elements.
    /// </summary>
    private static async Task WriteListAsync(ParquetRowGroupWriter group, DataField item, IReadOnlyList<Transition> rows,
        Func<Transition, float[]> select, CancellationToken ct)
    {
        int total = 0, entries = 0;
        foreach (var t in rows) { int len = select(t).Length; total += len; entries += Math.Max(len, 1); }
        var values = new float[total];
        var definition = new int[entries];
        var repetition = new int[entries];
        int maxDef = item.MaxDefinitionLevel, v = 0, e = 0;
        foreach (var t in rows)
        {
            float[] list = select(t);
            if (list.Length == 0) { definition[e] = maxDef - 1; repetition[e] = 0; e++; continue; }
            for (int j = 0; j < list.Length; j++)
            {
                values[v++] = list[j];
                definition[e] = maxDef;
                repetition[e] = j == 0 ? 0 : 1;
                e++;
            }
        }
        await group.WriteAllPartsAsync<float>(item, values, definition, repetition, ct).ConfigureAwait(false);
    }

    private static void Validate(Episode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (episode.Id < 0)
            throw new ArgumentException($"episode id {episode.Id} is negative", nameof(episode));
        var rows = episode.Transitions ?? throw new ArgumentException($"episode {episode.Id} has no transition list", nameof(episode));
        if (rows.Count == 0)
            throw new ArgumentException($"episode {episode.Id} has no transitions", nameof(episode));
        for (int i = 0; i < rows.Count; i++)
        {
            var t = rows[i] ?? throw new ArgumentException($"episode {episode.Id}: transition {i} is null", nameof(episode));
            string where = $"episode {episode.Id}, transition {i}";
            if (t.Episode != episode.Id)
                throw new ArgumentException($"{where}: belongs to episode {t.Episode}", nameof(episode));
            if (t.Obs is null || t.Action is null || t.NextObs is null || t.RobotId is null)
                throw new ArgumentException($"{where}: obs, action, next_obs and robot_id must not be null", nameof(episode));
            if (t.Source is not (DataSource.Sim or DataSource.Real))
                throw new ArgumentException($"{where}: source {t.Source} is neither sim nor real", nameof(episode));
            if (t.NextObs.Length != t.Obs.Length)
                throw new ArgumentException($"{where}: next_obs has {t.NextObs.Length} values, obs has {t.Obs.Length}", nameof(episode));
            if (t.Proposed is not null && t.Proposed.Length != t.Action.Length)
                throw new ArgumentException($"{where}: proposed has {t.Proposed.Length} values, action has {t.Action.Length}", nameof(episode));
            if (i > 0 && (t.Obs.Length != rows[0].Obs.Length || t.Action.Length != rows[0].Action.Length))
                throw new ArgumentException($"{where}: obs/action sizes differ from the episode's first transition", nameof(episode));
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* best effort: a leftover temp file is never read as an episode */ }
        catch (UnauthorizedAccessException) { }
    }
}
