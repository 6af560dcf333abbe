using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Models;
using Robotics.Core.Onnx;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;

namespace Robotics.Runtime.Tests.Plugins;

/// <summary>
/// A controller kind this test project adds without touching the runtime: "test-linear-policy", an ONNX graph
/// obs [1, obs] -> action [1, act] = obs x K (graph role "policy"). Everything a real policy plug-in does:
/// its own folder, a factory, one registration line (<see cref="Registry"/>).
/// </summary>
public sealed class LinearPolicyFactory : IControllerFactory
{
    public const string KindName = "test-linear-policy";

    public string Kind => KindName;

    public string Describe(ModelCard card) => $"test linear policy (graph '{GraphRoles.Policy}', {card.ObsDim} -> {card.ActDim})";

    public IController Create(ControllerContext c) => new LinearPolicyController(c.Model.GraphPath(GraphRoles.Policy), c.Model.Card);

    /// <summary>The built-in kinds plus this one: the single registration line.</summary>
    public static ControllerRegistry Registry() => ControllerRegistry.CreateDefault().Add(new LinearPolicyFactory());

    /// <summary>Writes a policy file for the pendulum with gains <paramref name="k"/> on [cos, sin, thdot].</summary>
    public static string Write(string dir, float[] k, Func<ModelCard, ModelCard>? edit = null)
    {
        var g = new OnnxGraphBuilder("linear_policy");
        var obs = g.Input("obs", [1, 3]);
        g.Output("action", g.MatMul(obs, g.Const(k, 3, 1)), [1, 1]);
        ModelCard card = new()
        {
            Kind = KindName, Algo = "test", EnvId = "pendulum",
            ObservationSpace = new CardSpace(["cos_theta", "sin_theta", "theta_dot"], [-1f, -1f, -8f], [1f, 1f, 8f]),
            ActionSpace = new CardSpace(["torque"], [-2f], [2f]),
            ControlPeriodSeconds = 0.05, TrainingDataDigest = "none", TrainerVersion = "test",
            Graphs = new() { [GraphRoles.Policy] = ModelCard.ThisFile },
        };
        card = edit?.Invoke(card) ?? card;
        string path = Path.Combine(dir, $"policy-{Guid.NewGuid():N}.onnx");
        g.ToModel(new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() }).Save(path);
        return path;
    }
}

/// <summary>Runs the policy graph through bound buffers; remembers what the gate sent (for the tests).</summary>
public sealed class LinearPolicyController : IController
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OrtIoBinding _binding;
    private readonly OrtValue _in, _out;
    private readonly float[] _obs, _action;

    public LinearPolicyController(string path, ModelCard card)
    {
        _session = new InferenceSession(path);
        _obs = new float[card.ObsDim];
        _action = new float[card.ActDim];
        _in = OrtValue.CreateTensorValueFromMemory(_obs, [1, _obs.Length]);
        _out = OrtValue.CreateTensorValueFromMemory(_action, [1, _action.Length]);
        _binding = _session.CreateIoBinding();
        _binding.BindInput("obs", _in);
        _binding.BindOutput("action", _out);
        ActDim = card.ActDim;
    }

    public int ActDim { get; }
    public ReadOnlySpan<float> Candidates => ReadOnlySpan<float>.Empty;
    public List<(float Proposed, float Sent, SafetyDecision Decision)> Log { get; } = [];

    public void Reset() => Log.Clear();

    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        obs.CopyTo(_obs);
        _session.RunWithBinding(_run, _binding);
        _action.CopyTo(action);
    }

    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) => Log.Add((_action[0], sent[0], decision));

    public void Dispose()
    {
        _binding.Dispose(); _in.Dispose(); _out.Dispose(); _run.Dispose(); _session.Dispose();
    }
}
