using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Inverse;
using Robotics.Core.Robots;

namespace Robotics.Runtime.Models;

/// <summary>
/// An exported inverse-dynamics ensemble (core's <see cref="InverseDynamicsGraph"/>: obs, next_obs [N, obs] ->
/// action [N, act] = members' mean, action_members [E, N, act], action_std [N, act]) in ONNX Runtime. Loading
/// checks the card's kind, the card against the robot (when given) and the graph's shapes against the card, each
/// failure one line, before anything can be commanded. Inputs and outputs are arrays of <see cref="MaxBatch"/>
/// rows bound once per batch size at load, so <see cref="Run"/> allocates nothing.
/// </summary>
public sealed class OnnxInverseModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OrtIoBinding[] _bindings;
    private readonly List<OrtValue> _values = [];
    private readonly float[] _invHalfRange;

    private OnnxInverseModel(ModelFile file, InferenceSession session, string provider, int members, int maxBatch)
    {
        Card = file.Card; Path = file.Path; Provider = provider; Members = members; MaxBatch = maxBatch;
        ObsDim = Card.ObsDim; ActDim = Card.ActDim;
        _session = session;
        Obs = new float[maxBatch * ObsDim]; NextObs = new float[maxBatch * ObsDim];
        Action = new float[maxBatch * ActDim]; ActionStd = new float[maxBatch * ActDim];
        ActionMembers = new float[members * maxBatch * ActDim];
        _invHalfRange = new float[ActDim];
        for (int j = 0; j < ActDim; j++) _invHalfRange[j] = (float)(2.0 / (Card.ActionSpace.High[j] - Card.ActionSpace.Low[j]));
        _bindings = new OrtIoBinding[maxBatch];
        for (int n = 1; n <= maxBatch; n++)
        {
            var b = session.CreateIoBinding();
            b.BindInput(InverseDynamicsGraphNames.Obs, Bind(Obs, [n, ObsDim]));
            b.BindInput(InverseDynamicsGraphNames.NextObs, Bind(NextObs, [n, ObsDim]));
            b.BindOutput(InverseDynamicsGraphNames.Action, Bind(Action, [n, ActDim]));
            // [E, n, act] is contiguous in the first E * n * act values: each batch size reads its own layout.
            b.BindOutput(InverseDynamicsGraphNames.ActionMembers, Bind(ActionMembers, [members, n, ActDim]));
            b.BindOutput(InverseDynamicsGraphNames.ActionStd, Bind(ActionStd, [n, ActDim]));
            _bindings[n - 1] = b;
        }
    }

    public ModelCard Card { get; }
    public string Path { get; }
    /// <summary>"cpu" or "cuda".</summary>
    public string Provider { get; }
    public int ObsDim { get; }
    public int ActDim { get; }
    public int Members { get; }
    public int MaxBatch { get; }
    /// <summary>Inputs [MaxBatch, obs], written in place: the state s and the (desired or observed) next state s'.</summary>
    public float[] Obs { get; }
    public float[] NextObs { get; }
    /// <summary>Members' mean action [MaxBatch, act], not clipped to the box.</summary>
    public float[] Action { get; }
    /// <summary>Members' standard deviation per action dimension [MaxBatch, act] (action units).</summary>
    public float[] ActionStd { get; }
    /// <summary>Each member's action [E, n, act] for the last <see cref="Run"/>(n).</summary>
    public float[] ActionMembers { get; }

    /// <summary>
    /// Not real-time. Loads <paramref name="path"/>; <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/>
    /// (not an inverse-dynamics card, no graph, shapes that disagree with the card) or
    /// <see cref="ModelCardMismatchException"/> (card vs <paramref name="robot"/>), each on one line.
    /// </summary>
    public static OnnxInverseModel Load(string path, RobotSpec? robot, int maxBatch = 1, WorldModelOptions? options = null, ILogger? logger = null) =>
        Load(ModelFile.Read(path), robot, maxBatch, options, logger);

    public static OnnxInverseModel Load(ModelFile file, RobotSpec? robot, int maxBatch = 1, WorldModelOptions? options = null, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        if (file.Card.Kind != ModelKinds.InverseDynamics)
            throw new InvalidDataException($"model file '{file.Path}' is a '{file.Card.Kind}' model, not an '{ModelKinds.InverseDynamics}' one");
        if (maxBatch < 1) throw new ArgumentException($"inverse model: max batch must be >= 1, got {maxBatch}");
        if (robot is not null) ModelCardCheck.EnsureMatches(file.Card, robot);
        string graph = file.GraphPath(GraphRoles.InverseDynamics);
        if (!File.Exists(graph)) throw new InvalidDataException($"model file '{file.Path}': inverse-dynamics graph '{graph}' does not exist");
        var (session, provider) = OnnxSessionFactory.Create(File.ReadAllBytes(graph), $"model file '{graph}'",
            (options ?? new WorldModelOptions { MaxBatch = maxBatch }).Validate(), logger);
        try
        {
            int obs = file.Card.ObsDim, act = file.Card.ActDim;
            Expect(session.InputMetadata, InverseDynamicsGraphNames.Obs, obs, "observation", file.Path);
            Expect(session.InputMetadata, InverseDynamicsGraphNames.NextObs, obs, "observation", file.Path);
            Expect(session.OutputMetadata, InverseDynamicsGraphNames.Action, act, "action", file.Path);
            Expect(session.OutputMetadata, InverseDynamicsGraphNames.ActionStd, act, "action", file.Path);
            if (!session.OutputMetadata.TryGetValue(InverseDynamicsGraphNames.ActionMembers, out var m) || m.Dimensions.Length != 3 || m.Dimensions[2] != act || m.Dimensions[0] < 1)
                throw new InvalidDataException($"model file '{file.Path}': the inverse graph needs '{InverseDynamicsGraphNames.ActionMembers}' [E, N, {act}]");
            int members = m.Dimensions[0];
            // The graph holds the elites (the card's ensemble.elites of ensemble.size trained).
            if (file.Card.Ensemble is { } e && e.Elites != members)
                throw new InvalidDataException($"model file '{file.Path}': the card states {e.Elites} elite members but the graph has {members}");
            var model = new OnnxInverseModel(file, session, provider, members, maxBatch);
            logger.LogInformation("inverse model: loaded {Path} (env {Env}, {Members} members, provider {Provider})", file.Path, file.Card.EnvId, members, provider);
            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Hot path, allocation-free. Rows 0..n-1 of <see cref="Obs"/>/<see cref="NextObs"/> -> <see cref="Action"/>, <see cref="ActionStd"/>, <see cref="ActionMembers"/>.</summary>
    public void Run(int n = 1) => _session.RunWithBinding(_run, _bindings[n - 1]);

    /// <summary>
    /// Hot path. Members' disagreement of row <paramref name="row"/> after <see cref="Run"/>: the largest per-dimension
    /// standard deviation divided by the action half-range (0 = the members agree; 1 = they spread over the whole box).
    /// </summary>
    public float Disagreement(int row = 0)
    {
        float d = 0f;
        for (int j = 0; j < ActDim; j++) d = MathF.Max(d, ActionStd[row * ActDim + j] * _invHalfRange[j]);
        return d;
    }

    private static void Expect(IReadOnlyDictionary<string, NodeMetadata> meta, string name, int dim, string what, string file)
    {
        if (!meta.TryGetValue(name, out var m))
            throw new InvalidDataException($"model file '{file}': the inverse graph has no '{name}' (has: {string.Join(", ", meta.Keys)})");
        int[] shape = m.Dimensions;
        if (shape.Length != 2 || shape[1] != dim)
            throw new InvalidDataException($"model file '{file}': inverse graph '{name}' is [{string.Join(", ", shape)}], the card's {what} space needs [N, {dim}]");
    }

    private OrtValue Bind(float[] data, long[] shape)
    {
        long count = 1;
        foreach (long s in shape) count *= s;
        var v = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(0, (int)count), shape);
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
