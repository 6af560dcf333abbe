using Microsoft.Extensions.Logging;
using Robotics.Core.Episodes;
using Robotics.Runtime.Loop;

namespace Robotics.Runtime.Service;

/// <summary>
/// Continuous recording for a service: the loop's chunked sink over core's episode store (one crash-safe Parquet
/// file per episode, parts while it runs; <see cref="ParquetEpisodeSink"/>, no second writer), with the robot id and
/// the model's digest, kind and algorithm in every file's metadata (<c>model_sha256_all</c> lists each model that
/// drove part of the episode when a hot reload fell inside it), and retention: after each finished episode the
/// oldest finished files go until at most <see cref="RecordingOptions.MaxFiles"/> files and
/// <see cref="RecordingOptions.MaxBytes"/> bytes are left (the newest file always stays). Not real-time: called by
/// the loop's flusher and at episode end.
/// </summary>
public sealed class RollingRecording : IChunkedEpisodeSink, IDisposable
{
    private readonly RecordingOptions _options;
    private readonly string _robotId;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly List<ModelIdentity> _episodeModels = [];
    private ParquetEpisodeSink _sink;
    private ModelIdentity _model;
    private long _deleted;

    public RollingRecording(string directory, string robotId, ModelIdentity model, RecordingOptions options, ILogger logger)
    {
        Directory = Path.GetFullPath(directory);
        _robotId = robotId; _options = options; _logger = logger; _model = model;
        _episodeModels.Add(model);
        _sink = Open(model);
    }

    public string Directory { get; }
    public TimeSpan FlushInterval => _sink.FlushInterval;
    public long NextEpisodeId => _sink.NextEpisodeId;
    /// <summary>Files deleted by retention so far.</summary>
    public long FilesDeleted => Interlocked.Read(ref _deleted);

    private ParquetEpisodeSink Open(ModelIdentity m) => new(Directory, new EpisodeWriterOptions { Metadata = Metadata(m) });

    private Dictionary<string, string> Metadata(ModelIdentity m) => new()
    {
        ["robot_id"] = _robotId, ["model_sha256"] = m.Digest, ["model_kind"] = m.Kind, ["model_algo"] = m.Algo,
        ["model_file"] = Path.GetFileName(m.Path),
    };

    /// <summary>Not real-time. A hot reload: files written from now on carry <paramref name="model"/>.</summary>
    public void ModelChanged(ModelIdentity model)
    {
        lock (_lock)
        {
            ParquetEpisodeSink old = _sink;
            _sink = Open(model);
            _model = model;
            _episodeModels.Add(model);
            old.Dispose();
        }
    }

    public void Write(Episode episode)
    {
        ParquetEpisodeSink sink;
        Dictionary<string, string> meta;
        lock (_lock)
        {
            sink = _sink;
            meta = Metadata(_model);
            if (episode.Metadata is { } own) foreach (var (k, v) in own) meta[k] = v;
            meta["model_sha256_all"] = string.Join(",", _episodeModels.Select(m => m.Digest).Distinct());
            _episodeModels.Clear();
            _episodeModels.Add(_model);
        }
        sink.Write(episode with { Metadata = meta });
        try { EnforceRetention(); }
        catch (IOException e) { ServiceLog.RecordingFailed(_logger, "retention: " + e.Message); }
    }

    public Task WritePartAsync(long episode, int part, IReadOnlyList<Transition> rows, CancellationToken ct)
    {
        ParquetEpisodeSink sink;
        lock (_lock) sink = _sink;
        return sink.WritePartAsync(episode, part, rows, ct);
    }

    /// <summary>Finished episode files of the folder, oldest first, and the bytes of every store file (parts included).</summary>
    public (List<FileInfo> Finished, long Bytes) Files()
    {
        var finished = new List<FileInfo>();
        long bytes = 0;
        if (!System.IO.Directory.Exists(Directory)) return (finished, 0);
        foreach (FileInfo f in new DirectoryInfo(Directory).EnumerateFiles("*" + EpisodeFiles.Extension))
        {
            if (!EpisodeFiles.TryParse(f.Name, out _, out int part)) continue;
            bytes += f.Length;
            if (part < 0) finished.Add(f);
        }
        finished.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return (finished, bytes);
    }

    private void EnforceRetention()
    {
        if (_options.MaxFiles == 0 && _options.MaxBytes == 0) return;
        var (finished, bytes) = Files();
        int files = finished.Count;
        for (int i = 0; i < finished.Count - 1; i++)   // the newest file always stays
        {
            bool tooMany = _options.MaxFiles > 0 && files > _options.MaxFiles;
            bool tooBig = _options.MaxBytes > 0 && bytes > _options.MaxBytes;
            if (!tooMany && !tooBig) break;
            FileInfo f = finished[i];
            long len = f.Length;
            f.Delete();
            files--;
            bytes -= len;
            Interlocked.Increment(ref _deleted);
            ServiceLog.RecordingDeleted(_logger, f.Name, len);
        }
    }

    public void Dispose()
    {
        lock (_lock) _sink.Dispose();
    }
}
