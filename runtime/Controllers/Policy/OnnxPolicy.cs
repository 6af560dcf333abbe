using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Policy;
using Robotics.Runtime.Models;

namespace Robotics.Runtime.Controllers.Policy;

/// <summary>
/// A policy graph (core's <see cref="PolicyGraph"/>: obs [N, obs] -> action, mean, log_std [N, act]) as one ONNX
/// Runtime session over arrays of <see cref="MaxBatch"/> rows, bound once per batch size, so
/// <see cref="Run"/> allocates nothing. The graph's shapes are checked against the card when loaded.
/// </summary>
public sealed class OnnxPolicy : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OrtIoBinding[] _bindings;
    private readonly List<OrtValue> _values = [];

    private OnnxPolicy(ModelFile file, InferenceSession session, string provider, int maxBatch)
    {
        Card = file.Card; Provider = provider; MaxBatch = maxBatch;
        ObsDim = file.Card.ObsDim; ActDim = file.Card.ActDim;
        _session = session;
        Obs = new float[maxBatch * ObsDim]; Action = new float[maxBatch * ActDim];
        Mean = new float[maxBatch * ActDim]; LogStd = new float[maxBatch * ActDim];
        _bindings = new OrtIoBinding[maxBatch];
        for (int n = 1; n <= maxBatch; n++)
        {
            var b = session.CreateIoBinding();
            b.BindInput(PolicyGraphNames.Obs, Bind(Obs, n, ObsDim));
            b.BindOutput(PolicyGraphNames.Action, Bind(Action, n, ActDim));
            b.BindOutput(PolicyGraphNames.Mean, Bind(Mean, n, ActDim));
            b.BindOutput(PolicyGraphNames.LogStd, Bind(LogStd, n, ActDim));
            _bindings[n - 1] = b;
        }
    }

    public ModelCard Card { get; }
    public string Provider { get; }
    public int ObsDim { get; }
    public int ActDim { get; }
    public int MaxBatch { get; }
    /// <summary>Inputs [MaxBatch, obs], written in place.</summary>
    public float[] Obs { get; }
    /// <summary>Deterministic actions on the action box [MaxBatch, act].</summary>
    public float[] Action { get; }
    public float[] Mean { get; }
    public float[] LogStd { get; }

    /// <summary>
    /// Not real-time. Loads the card's <c>policy</c> graph; <see cref="InvalidDataException"/> (one line) when the
    /// card is not a policy's, the graph is missing, or its inputs and outputs disagree with the card's spaces.
    /// </summary>
    public static OnnxPolicy Load(ModelFile file, int maxBatch, WorldModelOptions options, ILogger logger)
    {
        if (file.Card.Kind != ModelKinds.Policy) throw new InvalidDataException($"model file '{file.Path}' is a '{file.Card.Kind}' model, not a '{ModelKinds.Policy}'");
        if (maxBatch < 1) throw new ArgumentException($"policy: max batch must be >= 1, got {maxBatch}");
        string path = file.GraphPath(GraphRoles.Policy);
        if (!File.Exists(path)) throw new InvalidDataException($"model file '{file.Path}': policy graph '{path}' does not exist");
        var (session, provider) = OnnxSessionFactory.Create(File.ReadAllBytes(path), $"model file '{path}'", options.Validate(), logger);
        try
        {
            Expect(session.InputMetadata, PolicyGraphNames.Obs, file.Card.ObsDim, "observation", file.Path);
            foreach (string o in new[] { PolicyGraphNames.Action, PolicyGraphNames.Mean, PolicyGraphNames.LogStd })
                Expect(session.OutputMetadata, o, file.Card.ActDim, "action", file.Path);
            return new OnnxPolicy(file, session, provider, maxBatch);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Hot path, allocation-free. <see cref="Obs"/>'s first <paramref name="n"/> rows -> <see cref="Action"/>, <see cref="Mean"/>, <see cref="LogStd"/>.</summary>
    public void Run(int n = 1) => _session.RunWithBinding(_run, _bindings[n - 1]);

    private static void Expect(IReadOnlyDictionary<string, NodeMetadata> meta, string name, int dim, string what, string file)
    {
        if (!meta.TryGetValue(name, out var m))
            throw new InvalidDataException($"model file '{file}': the policy graph has no '{name}' (has: {string.Join(", ", meta.Keys)})");
        int[] shape = m.Dimensions;
        if (shape.Length != 2 || shape[1] != dim)
            throw new InvalidDataException($"model file '{file}': policy graph '{name}' is [{string.Join(", ", shape)}], the card's {what} space needs [N, {dim}]");
    }

    private OrtValue Bind(float[] data, int rows, int cols)
    {
        var v = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(0, rows * cols), [rows, cols]);
        _values.Add(v);
        return v;
    }

    public void Dispose()
    {
        foreach (var b in _bindings) b.Dispose();
        foreach (var v in _values) v.Dispose();
        _run.Dispose();
        _session.Dispose();
    }
}
