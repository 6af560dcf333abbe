using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Core.Robots;

namespace Robotics.Runtime.Models;

/// <summary>
/// An exported ensemble step graph in ONNX Runtime. Loading reads and validates the model card, checks the
/// graph's inputs and outputs against it, and (when a robot spec is given) checks the card against the
/// robot, all before anything can be commanded. Inputs and outputs live in arrays sized once for
/// <see cref="WorldModelOptions.MaxBatch"/> rows and bound through one <see cref="OrtIoBinding"/> per batch
/// size, so <see cref="Run"/> allocates nothing after the first call for a given n.
/// </summary>
public sealed class OnnxWorldModel : IBatchedWorldModel, ISafetyPredictor, IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _obs, _action, _nextObs, _reward, _members, _disagreement;
    // Indexed by n; bindings are created on first use for that n (warm-up) and reused.
    private readonly BatchBinding?[] _bindings;

    private OnnxWorldModel(InferenceSession session, ModelCard card, int members, WorldModelOptions options, string provider)
    {
        _session = session;
        Card = card;
        ObsDim = card.ObservationSpace.Names.Length;
        ActDim = card.ActionSpace.Names.Length;
        Members = members;
        MaxBatch = options.MaxBatch;
        Provider = provider;
        int n = options.MaxBatch;
        _obs = new float[n * ObsDim];
        _action = new float[n * ActDim];
        _nextObs = new float[n * ObsDim];
        _reward = new float[n];
        _members = new float[members * n * ObsDim];
        _disagreement = new float[n];
        _bindings = new BatchBinding?[n + 1];
    }

    public ModelCard Card { get; }
    public int ObsDim { get; }
    public int ActDim { get; }
    public int Members { get; }
    public int MaxBatch { get; }
    /// <summary>"cpu" or "cuda".</summary>
    public string Provider { get; }
    /// <summary>The file the step graph came from.</summary>
    public string Path { get; private init; } = "";
    public UncertaintyCalibration? Calibration => Card.Uncertainty;
    public string Description => $"ensemble '{System.IO.Path.GetFileName(Path)}' ({Members} members, {Calibration?.Method ?? "uncalibrated"})";

    /// <summary>
    /// Not real-time. Loads <paramref name="path"/>. Throws <see cref="FileNotFoundException"/> when it is
    /// missing, <see cref="InvalidDataException"/> when the file or its card is invalid, and
    /// <see cref="ModelCardMismatchException"/> when the card does not match <paramref name="robot"/>.
    /// </summary>
    public static OnnxWorldModel Load(string path, RobotSpec? robot, WorldModelOptions? options = null, ILogger? logger = null)
    {
        options = (options ?? new WorldModelOptions()).Validate();
        logger ??= NullLogger.Instance;
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist", path);

        var (session, provider) = OnnxSessionFactory.Create(File.ReadAllBytes(path), $"model file '{path}'", options, logger);

        try
        {
            ModelCard card = ReadCard(session, path);
            if (robot is not null) ModelCardCheck.EnsureMatches(card, robot);
            int members = CheckGraph(session, card, path);
            var model = new OnnxWorldModel(session, card, members, options, provider) { Path = path };
            logger.LogInformation("world model: loaded {Path} (env {Env}, {Members} members, provider {Provider}, {Threads} threads)",
                path, card.EnvId, members, provider, options.IntraOpThreads);
            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static ModelCard ReadCard(InferenceSession session, string path)
    {
        if (!session.ModelMetadata.CustomMetadataMap.TryGetValue(ModelCard.MetadataKey, out string? json))
            throw new InvalidDataException($"model file '{path}' has no model card (metadata key '{ModelCard.MetadataKey}')");
        try { return ModelCard.FromJson(json); }
        catch (InvalidDataException e) { throw new InvalidDataException($"model file '{path}': {e.Message}", e); }
    }

    /// <summary>Checks the step graph's names and fixed dimensions against the card; returns the member count.</summary>
    private static int CheckGraph(InferenceSession session, ModelCard card, string path)
    {
        int obsDim = card.ObservationSpace.Names.Length, actDim = card.ActionSpace.Names.Length;
        ExpectLastDim(session.InputMetadata, EnsembleGraphNames.Obs, obsDim, path, "input");
        ExpectLastDim(session.InputMetadata, EnsembleGraphNames.Action, actDim, path, "input");
        ExpectLastDim(session.OutputMetadata, EnsembleGraphNames.NextObs, obsDim, path, "output");
        ExpectLastDim(session.OutputMetadata, EnsembleGraphNames.NextObsMembers, obsDim, path, "output");
        ExpectPresent(session.OutputMetadata, EnsembleGraphNames.Reward, path, "output");
        ExpectPresent(session.OutputMetadata, EnsembleGraphNames.Disagreement, path, "output");
        int[] dims = session.OutputMetadata[EnsembleGraphNames.NextObsMembers].Dimensions;
        if (dims.Length != 3) throw new InvalidDataException($"model file '{path}': output '{EnsembleGraphNames.NextObsMembers}' must be [E, N, obs_dim]");
        if (card.Ensemble is not { } ensemble)
            throw new InvalidDataException($"model file '{path}': the card (kind '{card.Kind}') has no ensemble section");
        int members = dims[0] > 0 ? dims[0] : ensemble.Elites;
        if (members != ensemble.Elites)
            throw new InvalidDataException($"model file '{path}': graph has {members} member outputs but the card says {ensemble.Elites} elites");
        return members;
    }

    private static void ExpectPresent(IReadOnlyDictionary<string, NodeMetadata> meta, string name, string path, string kind)
    {
        if (!meta.ContainsKey(name))
            throw new InvalidDataException($"model file '{path}' has no {kind} '{name}' (has: {string.Join(", ", meta.Keys)})");
    }

    private static void ExpectLastDim(IReadOnlyDictionary<string, NodeMetadata> meta, string name, int dim, string path, string kind)
    {
        ExpectPresent(meta, name, path, kind);
        int[] d = meta[name].Dimensions;
        if (d.Length == 0 || (d[^1] > 0 && d[^1] != dim))
            throw new InvalidDataException($"model file '{path}': {kind} '{name}' has last dimension {(d.Length == 0 ? 0 : d[^1])} but the card's space has {dim}");
    }

    public Span<float> ObsInput(int n) => _obs.AsSpan(0, n * ObsDim);
    public Span<float> ActionInput(int n) => _action.AsSpan(0, n * ActDim);
    public ReadOnlySpan<float> NextObsMean(int n) => _nextObs.AsSpan(0, n * ObsDim);
    public ReadOnlySpan<float> NextObsMembers(int n) => _members.AsSpan(0, Members * n * ObsDim);
    public ReadOnlySpan<float> Reward(int n) => _reward.AsSpan(0, n);
    public ReadOnlySpan<float> Disagreement(int n) => _disagreement.AsSpan(0, n);

    /// <summary>Hot path. Allocation-free after the first call for this <paramref name="n"/>.</summary>
    public void Run(int n)
    {
        if ((uint)(n - 1) >= (uint)MaxBatch) ThrowBatch(n);
        BatchBinding b = _bindings[n] ?? CreateBinding(n);
        // On CUDA, ORT copies CPU-bound inputs to the device at bind time, not at run time: bind them again.
        if (Provider != "cpu") b.BindInputs();
        _session.RunWithBinding(_runOptions, b.IoBinding);
    }

    /// <summary>Real-time, allocation-free after warm-up: the one-step prediction with the learned reward.</summary>
    public void Predict(int n, ReadOnlySpan<float> obs, ReadOnlySpan<float> actions,
                        Span<float> nextObsMean, Span<float> reward, Span<float> disagreement)
    {
        Predict(n, obs, actions, nextObsMean, disagreement);
        Reward(n).CopyTo(reward);
    }

    /// <summary>Real-time, allocation-free after warm-up: the one-step prediction the safety gate uses (U = disagreement D).</summary>
    public void Predict(int n, ReadOnlySpan<float> obs, ReadOnlySpan<float> actions, Span<float> nextObs, Span<float> uncertainty)
    {
        obs[..(n * ObsDim)].CopyTo(ObsInput(n));
        actions[..(n * ActDim)].CopyTo(ActionInput(n));
        Run(n);
        NextObsMean(n).CopyTo(nextObs);
        Disagreement(n).CopyTo(uncertainty);
    }

    private BatchBinding CreateBinding(int n)
    {
        var b = new BatchBinding(_session, n, this);
        _bindings[n] = b;
        return b;
    }

    private static void ThrowBatch(int n) =>
        throw new ArgumentOutOfRangeException(nameof(n), n, "batch size must be in [1, MaxBatch]");

    public void Dispose()
    {
        foreach (var b in _bindings) b?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>OrtValues over the first n rows of the model's arrays, bound once.</summary>
    private sealed class BatchBinding : IDisposable
    {
        private readonly OrtValue[] _values;
        public OrtIoBinding IoBinding { get; }

        public BatchBinding(InferenceSession session, int n, OnnxWorldModel m)
        {
            var mem = OrtMemoryInfo.DefaultInstance;
            _values =
            [
                OrtValue.CreateTensorValueFromMemory(mem, m._obs.AsMemory(0, n * m.ObsDim), [n, m.ObsDim]),
                OrtValue.CreateTensorValueFromMemory(mem, m._action.AsMemory(0, n * m.ActDim), [n, m.ActDim]),
                OrtValue.CreateTensorValueFromMemory(mem, m._nextObs.AsMemory(0, n * m.ObsDim), [n, m.ObsDim]),
                OrtValue.CreateTensorValueFromMemory(mem, m._reward.AsMemory(0, n), [n]),
                OrtValue.CreateTensorValueFromMemory(mem, m._members.AsMemory(0, m.Members * n * m.ObsDim), [m.Members, n, m.ObsDim]),
                OrtValue.CreateTensorValueFromMemory(mem, m._disagreement.AsMemory(0, n), [n]),
            ];
            IoBinding = session.CreateIoBinding();
            BindInputs();
            IoBinding.BindOutput(EnsembleGraphNames.NextObs, _values[2]);
            IoBinding.BindOutput(EnsembleGraphNames.Reward, _values[3]);
            IoBinding.BindOutput(EnsembleGraphNames.NextObsMembers, _values[4]);
            IoBinding.BindOutput(EnsembleGraphNames.Disagreement, _values[5]);
        }

        public void BindInputs()
        {
            IoBinding.BindInput(EnsembleGraphNames.Obs, _values[0]);
            IoBinding.BindInput(EnsembleGraphNames.Action, _values[1]);
        }

        public void Dispose()
        {
            IoBinding.Dispose();
            foreach (var v in _values) v.Dispose();
        }
    }
}
