using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Runtime.Models;

/// <summary>
/// The fused rollout graph (core's <see cref="EnsembleRolloutGraph"/>) in ONNX Runtime. Inputs and outputs
/// live in arrays sized once for <see cref="MaxBatch"/> candidates and are bound through one
/// <see cref="OrtIoBinding"/> per batch size, so <see cref="Score"/> copies the sequences in, runs once and
/// allocates nothing after the first call for a given count.
/// </summary>
public sealed class OnnxRolloutModel : IRolloutModel, IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _obs0, _actions, _lastAction, _cost, _disagreement;
    private readonly Binding?[] _bindings;
    private readonly bool _rebindInputs;

    private OnnxRolloutModel(InferenceSession session, int obsDim, int actDim, int horizon, int maxBatch, string cost, string provider)
    {
        _session = session;
        ObsDim = obsDim; ActDim = actDim; Horizon = horizon; MaxBatch = maxBatch;
        CostDescription = cost; Provider = provider;
        _rebindInputs = provider != "cpu";
        _obs0 = new float[obsDim];
        _actions = new float[maxBatch * horizon * actDim];
        _lastAction = new float[actDim];
        _cost = new float[maxBatch];
        _disagreement = new float[maxBatch];
        _bindings = new Binding?[maxBatch + 1];
    }

    public int ObsDim { get; }
    public int ActDim { get; }
    public int Horizon { get; }
    public int MaxBatch { get; }
    public string CostDescription { get; }
    /// <summary>"cpu" or "cuda".</summary>
    public string Provider { get; }

    /// <summary>Not real-time. Loads a rollout graph file; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static OnnxRolloutModel Load(string path, WorldModelOptions? options = null, ILogger? logger = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"rollout model '{path}' does not exist", path);
        return Create(File.ReadAllBytes(path), path, options, logger);
    }

    /// <summary>Not real-time. A rollout model from serialized ONNX bytes (e.g. built at load time by core's builder).</summary>
    public static OnnxRolloutModel Create(byte[] onnx, string name, WorldModelOptions? options = null, ILogger? logger = null,
                                          bool allowSpinning = false)
    {
        options = (options ?? new WorldModelOptions()).Validate();
        logger ??= NullLogger.Instance;
        var (session, provider) = RolloutSessionFactory.Create(onnx, name, options, logger, allowSpinning);
        try
        {
            var meta = session.ModelMetadata.CustomMetadataMap;
            if (!meta.TryGetValue(EnsembleGraphNames.HorizonKey, out string? h) || !int.TryParse(h, out int horizon) || horizon < 1)
                throw new InvalidDataException($"rollout model '{name}' has no valid '{EnsembleGraphNames.HorizonKey}' metadata");
            meta.TryGetValue(EnsembleGraphNames.CostKey, out string? cost);
            int obsDim = LastDim(session.InputMetadata, EnsembleGraphNames.Obs0, name);
            int[] act = Dims(session.InputMetadata, EnsembleGraphNames.Actions, name);
            if (act.Length != 3 || act[1] != horizon || act[2] < 1)
                throw new InvalidDataException($"rollout model '{name}': input '{EnsembleGraphNames.Actions}' must be [P, {horizon}, act_dim]");
            Dims(session.InputMetadata, EnsembleGraphNames.LastAction, name);
            Dims(session.OutputMetadata, EnsembleGraphNames.Cost, name);
            Dims(session.OutputMetadata, EnsembleGraphNames.RolloutDisagreement, name);
            logger.LogInformation("rollout model: {Name} (horizon {Horizon}, cost {Cost}, provider {Provider})", name, horizon, cost ?? "?", provider);
            return new OnnxRolloutModel(session, obsDim, act[2], horizon, options.MaxBatch, cost ?? "", provider);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static int[] Dims(IReadOnlyDictionary<string, NodeMetadata> meta, string key, string name) =>
        meta.TryGetValue(key, out var m) ? m.Dimensions
        : throw new InvalidDataException($"rollout model '{name}' has no '{key}' (has: {string.Join(", ", meta.Keys)})");

    private static int LastDim(IReadOnlyDictionary<string, NodeMetadata> meta, string key, string name)
    {
        int[] d = Dims(meta, key, name);
        return d.Length == 1 && d[0] > 0 ? d[0] : throw new InvalidDataException($"rollout model '{name}': '{key}' must be a fixed 1-D shape");
    }

    /// <summary>Hot path. Allocation-free after the first call for this <paramref name="count"/>.</summary>
    public void Score(ReadOnlySpan<float> obs0, ReadOnlySpan<float> sequences, int count, ReadOnlySpan<float> lastAction, Span<float> cost)
    {
        if ((uint)(count - 1) >= (uint)MaxBatch) ThrowCount(count);
        int len = count * Horizon * ActDim;
        obs0[..ObsDim].CopyTo(_obs0);
        lastAction[..ActDim].CopyTo(_lastAction);
        sequences[..len].CopyTo(_actions);
        Binding b = _bindings[count] ?? Bind(count);
        // On CUDA, ORT copies CPU-bound inputs to the device when they are bound, not when run: bind again so
        // the new sequences are seen (a small per-call cost the CPU path does not pay).
        if (_rebindInputs) b.BindInputs();
        _session.RunWithBinding(_runOptions, b.IoBinding);
        _cost.AsSpan(0, count).CopyTo(cost);
    }

    public ReadOnlySpan<float> Disagreement(int count) => _disagreement.AsSpan(0, count);

    private Binding Bind(int count) => _bindings[count] = new Binding(_session, count, this);

    private static void ThrowCount(int count) =>
        throw new ArgumentOutOfRangeException(nameof(count), count, "candidate count must be in [1, MaxBatch]");

    public void Dispose()
    {
        foreach (var b in _bindings) b?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private sealed class Binding : IDisposable
    {
        private readonly OrtValue[] _values;
        public OrtIoBinding IoBinding { get; }

        public Binding(InferenceSession session, int n, OnnxRolloutModel m)
        {
            var mem = OrtMemoryInfo.DefaultInstance;
            _values =
            [
                OrtValue.CreateTensorValueFromMemory(mem, m._obs0.AsMemory(), [m.ObsDim]),
                OrtValue.CreateTensorValueFromMemory(mem, m._actions.AsMemory(0, n * m.Horizon * m.ActDim), [n, m.Horizon, m.ActDim]),
                OrtValue.CreateTensorValueFromMemory(mem, m._lastAction.AsMemory(), [m.ActDim]),
                OrtValue.CreateTensorValueFromMemory(mem, m._cost.AsMemory(0, n), [n]),
                OrtValue.CreateTensorValueFromMemory(mem, m._disagreement.AsMemory(0, n), [n]),
            ];
            IoBinding = session.CreateIoBinding();
            BindInputs();
            IoBinding.BindOutput(EnsembleGraphNames.Cost, _values[3]);
            IoBinding.BindOutput(EnsembleGraphNames.RolloutDisagreement, _values[4]);
        }

        public void BindInputs()
        {
            IoBinding.BindInput(EnsembleGraphNames.Obs0, _values[0]);
            IoBinding.BindInput(EnsembleGraphNames.Actions, _values[1]);
            IoBinding.BindInput(EnsembleGraphNames.LastAction, _values[2]);
        }

        public void Dispose()
        {
            IoBinding.Dispose();
            foreach (var v in _values) v.Dispose();
        }
    }
}
