using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Recurrent;
using Robotics.Runtime.Models;

namespace Robotics.Runtime.Controllers.RecurrentPolicy;

/// <summary>
/// The recurrent policy's step graph (core's <see cref="RecurrentPolicyGraph"/>) as one ONNX Runtime session over
/// one row, every input and output an array bound once, so <see cref="Run"/> allocates nothing. The state sizes
/// come from the card (metrics deter, stoch, classes) and are checked against the graph when loaded.
/// </summary>
public sealed class OnnxRecurrentPolicy : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OrtIoBinding _binding;
    private readonly List<OrtValue> _values = [];

    private OnnxRecurrentPolicy(ModelFile file, InferenceSession session, string provider, int deter, int stoch, int classes)
    {
        Card = file.Card; Provider = provider;
        ObsDim = file.Card.ObsDim; ActDim = file.Card.ActDim; DeterDim = deter; StochLatents = stoch; StochDim = stoch * classes;
        _session = session;
        Obs = new float[ObsDim]; IsFirst = new float[1]; Deter = new float[deter]; Stoch = new float[StochDim]; PrevAction = new float[ActDim];
        StochNoise = new float[stoch]; ActionNoise = new float[ActDim];
        NextDeter = new float[deter]; NextStoch = new float[StochDim]; Action = new float[ActDim]; ActionMean = new float[ActDim];
        _binding = session.CreateIoBinding();
        _binding.BindInput(RecurrentPolicyGraphNames.Obs, Bind(Obs));
        _binding.BindInput(RecurrentPolicyGraphNames.IsFirst, Bind(IsFirst));
        _binding.BindInput(RecurrentPolicyGraphNames.Deter, Bind(Deter));
        _binding.BindInput(RecurrentPolicyGraphNames.Stoch, Bind(Stoch));
        _binding.BindInput(RecurrentPolicyGraphNames.PrevAction, Bind(PrevAction));
        _binding.BindInput(RecurrentPolicyGraphNames.StochNoise, Bind(StochNoise));
        _binding.BindInput(RecurrentPolicyGraphNames.ActionNoise, Bind(ActionNoise));
        _binding.BindOutput(RecurrentPolicyGraphNames.NextDeter, Bind(NextDeter));
        _binding.BindOutput(RecurrentPolicyGraphNames.NextStoch, Bind(NextStoch));
        _binding.BindOutput(RecurrentPolicyGraphNames.Action, Bind(Action));
        _binding.BindOutput(RecurrentPolicyGraphNames.ActionMean, Bind(ActionMean));
    }

    public ModelCard Card { get; }
    public string Provider { get; }
    public int ObsDim { get; }
    public int ActDim { get; }
    public int DeterDim { get; }
    public int StochLatents { get; }
    public int StochDim { get; }
    public float[] Obs { get; }
    public float[] IsFirst { get; }
    public float[] Deter { get; }
    public float[] Stoch { get; }
    /// <summary>The last action sent, in [-1, 1].</summary>
    public float[] PrevAction { get; }
    public float[] StochNoise { get; }
    public float[] ActionNoise { get; }
    public float[] NextDeter { get; }
    public float[] NextStoch { get; }
    /// <summary>clip(mean + std x noise, -1, 1).</summary>
    public float[] Action { get; }
    public float[] ActionMean { get; }

    /// <summary>
    /// Not real-time. Loads the card's <c>recurrent</c> graph; <see cref="InvalidDataException"/> (one line) when the
    /// card is not a recurrent policy's, lacks its state sizes, or the graph disagrees with the card.
    /// </summary>
    public static OnnxRecurrentPolicy Load(ModelFile file, WorldModelOptions options, ILogger logger)
    {
        ModelCard c = file.Card;
        if (c.Kind != ModelKinds.RecurrentPolicy) throw new InvalidDataException($"model file '{file.Path}' is a '{c.Kind}' model, not a '{ModelKinds.RecurrentPolicy}'");
        int Size(string key) => c.Metrics.TryGetValue(key, out double v) && v >= 1 && v == Math.Floor(v) && v <= 1 << 20
            ? (int)v : throw new InvalidDataException($"model file '{file.Path}': the card has no state size '{key}' (metrics deter, stoch, classes)");
        int deter = Size("deter"), stoch = Size("stoch"), classes = Size("classes");
        string path = file.GraphPath(GraphRoles.Recurrent);
        if (!File.Exists(path)) throw new InvalidDataException($"model file '{file.Path}': recurrent graph '{path}' does not exist");
        var (session, provider) = OnnxSessionFactory.Create(File.ReadAllBytes(path), $"model file '{path}'", options.Validate(), logger);
        try
        {
            foreach (var (name, dim, input) in new[]
            {
                (RecurrentPolicyGraphNames.Obs, c.ObsDim, true), (RecurrentPolicyGraphNames.IsFirst, 1, true), (RecurrentPolicyGraphNames.Deter, deter, true),
                (RecurrentPolicyGraphNames.Stoch, stoch * classes, true), (RecurrentPolicyGraphNames.PrevAction, c.ActDim, true),
                (RecurrentPolicyGraphNames.StochNoise, stoch, true), (RecurrentPolicyGraphNames.ActionNoise, c.ActDim, true),
                (RecurrentPolicyGraphNames.NextDeter, deter, false), (RecurrentPolicyGraphNames.NextStoch, stoch * classes, false),
                (RecurrentPolicyGraphNames.Action, c.ActDim, false), (RecurrentPolicyGraphNames.ActionMean, c.ActDim, false),
            })
            {
                var meta = input ? session.InputMetadata : session.OutputMetadata;
                if (!meta.TryGetValue(name, out var m))
                    throw new InvalidDataException($"model file '{file.Path}': the recurrent graph has no '{name}' (has: {string.Join(", ", meta.Keys)})");
                if (m.Dimensions.Length != 2 || m.Dimensions[1] != dim)
                    throw new InvalidDataException($"model file '{file.Path}': recurrent graph '{name}' is [{string.Join(", ", m.Dimensions)}], the card needs [N, {dim}]");
            }
            return new OnnxRecurrentPolicy(file, session, provider, deter, stoch, classes);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Hot path, allocation-free. The bound inputs -> the bound outputs.</summary>
    public void Run() => _session.RunWithBinding(_run, _binding);

    private OrtValue Bind(float[] data)
    {
        var v = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(), [1, data.Length]);
        _values.Add(v);
        return v;
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var v in _values) v.Dispose();
        _run.Dispose();
        _session.Dispose();
    }
}
