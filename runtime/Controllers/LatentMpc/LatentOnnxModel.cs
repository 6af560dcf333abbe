using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Latent;
using Robotics.Runtime.Models;

namespace Robotics.Runtime.Controllers.LatentMpc;

/// <summary>
/// The three graphs a latent MPPI plan runs, as ONNX Runtime sessions over arrays allocated once and bound
/// once (fixed shapes: 1 observation, P prior trajectories, N samples): <c>model.onnx</c> (encoder, obs ->
/// z), <c>plan-policy.onnx</c> (z, eps [H, P, A] -> the prior's actions) and <c>plan-value.onnx</c> (z,
/// actions [H, N, A], eps [N, A], q_pair [2] -> value [N]). Runs allocate nothing after construction.
/// </summary>
public sealed class LatentOnnxModel : IDisposable
{
    private readonly InferenceSession _encode, _policy, _value;
    private readonly RunOptions _run = new();
    private readonly OrtIoBinding _encodeBinding, _policyBinding, _valueBinding;
    private readonly List<OrtValue> _values = [];

    private LatentOnnxModel(ModelFile file, int horizon, int samples, int policySamples, int latentDim, int qHeads,
                            InferenceSession encode, InferenceSession policy, InferenceSession value)
    {
        Card = file.Card;
        ObsDim = file.Card.ObsDim; ActDim = file.Card.ActDim; LatentDim = latentDim; QHeads = qHeads;
        Horizon = horizon; Samples = samples; PolicySamples = policySamples;
        _encode = encode; _policy = policy; _value = value;
        int h = horizon, a = ActDim;
        Obs = new float[ObsDim]; Z = new float[latentDim];
        PolicyEps = new float[h * Math.Max(policySamples, 1) * a]; PolicyActions = new float[PolicyEps.Length];
        Actions = new float[h * samples * a]; TerminalEps = new float[samples * a]; QPair = new long[2]; Value = new float[samples];

        _encodeBinding = encode.CreateIoBinding();
        _encodeBinding.BindInput(LatentGraphNames.Obs, Bind(Obs, 1, ObsDim));
        OrtValue z = Bind(Z, 1, latentDim);
        _encodeBinding.BindOutput(LatentGraphNames.Z, z);
        _policyBinding = policy.CreateIoBinding();
        _policyBinding.BindInput(LatentGraphNames.Z0, z);
        _policyBinding.BindInput(LatentGraphNames.Eps, Bind(PolicyEps, h, Math.Max(policySamples, 1), a));
        _policyBinding.BindOutput(LatentGraphNames.Actions, Bind(PolicyActions, h, Math.Max(policySamples, 1), a));
        _valueBinding = value.CreateIoBinding();
        _valueBinding.BindInput(LatentGraphNames.Z0, z);
        _valueBinding.BindInput(LatentGraphNames.Actions, Bind(Actions, h, samples, a));
        _valueBinding.BindInput(LatentGraphNames.Eps, Bind(TerminalEps, samples, a));
        var pair = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, QPair.AsMemory(), [2]);
        _values.Add(pair);
        _valueBinding.BindInput(LatentGraphNames.QPair, pair);
        _valueBinding.BindOutput(LatentGraphNames.Value, Bind(Value, samples));
    }

    public ModelCard Card { get; }
    public int ObsDim { get; }
    public int ActDim { get; }
    public int LatentDim { get; }
    public int QHeads { get; }
    public int Horizon { get; }
    public int Samples { get; }
    public int PolicySamples { get; }
    /// <summary>Discount the fused value graph was built with (card metric).</summary>
    public float Discount => (float)Card.Metrics.GetValueOrDefault("discount", double.NaN);

    // Inputs and outputs, written and read in place.
    public float[] Obs { get; }
    public float[] Z { get; }
    public float[] PolicyEps { get; }
    public float[] PolicyActions { get; }
    public float[] Actions { get; }
    public float[] TerminalEps { get; }
    /// <summary>The two Q heads averaged for the terminal value.</summary>
    public long[] QPair { get; }
    public float[] Value { get; }

    /// <summary>
    /// Not real-time. Loads the card's encoder, plan-policy and plan-value graphs for a planner of
    /// <paramref name="options"/>; refuses a card of another kind or a planner horizon the value graph was not built for.
    /// </summary>
    public static LatentOnnxModel Load(ModelFile file, LatentMppiOptions options, int threads, ProviderPreference provider, ILogger logger)
    {
        options.Validate();
        ModelCard c = file.Card;
        if (c.Kind != ModelKinds.LatentMpc) throw new InvalidDataException($"model file '{file.Path}' is a '{c.Kind}' model, not '{ModelKinds.LatentMpc}'");
        int horizon = (int)c.Metrics.GetValueOrDefault("horizon", 0), latent = (int)c.Metrics.GetValueOrDefault("latent_dim", 0), q = (int)c.Metrics.GetValueOrDefault("q_heads", 0);
        if (latent < 1 || q < 2 || horizon < 1) throw new InvalidDataException($"model file '{file.Path}': card metrics need horizon, latent_dim and q_heads");
        if (horizon != options.Horizon)
            throw new InvalidDataException($"model file '{file.Path}': the plan-value graph is built for horizon {horizon}, the planner asks for {options.Horizon}");
        var so = new WorldModelOptions { IntraOpThreads = threads, Provider = provider }.Validate();
        InferenceSession Open(string role)
        {
            string path = file.GraphPath(role);
            if (!File.Exists(path)) throw new InvalidDataException($"model file '{file.Path}': graph '{role}' ({path}) does not exist");
            return OnnxSessionFactory.Create(File.ReadAllBytes(path), $"model file '{file.Path}': graph '{role}'", so, logger).Session;
        }
        InferenceSession? encode = null, policy = null, value = null;
        try
        {
            encode = Open(GraphRoles.Encoder);
            policy = Open(LatentGraphNames.PlanPolicyRole);
            value = Open(LatentGraphNames.PlanValueRole);
            return new LatentOnnxModel(file, horizon, options.Samples, options.PolicySamples, latent, q, encode, policy, value);
        }
        catch
        {
            encode?.Dispose(); policy?.Dispose(); value?.Dispose();
            throw;
        }
    }

    /// <summary>Hot path, allocation-free. <see cref="Obs"/> -> <see cref="Z"/>.</summary>
    public void Encode() => _encode.RunWithBinding(_run, _encodeBinding);

    /// <summary>Hot path, allocation-free. <see cref="Z"/>, <see cref="PolicyEps"/> -> <see cref="PolicyActions"/> [H, P, A].</summary>
    public void RollOutPolicy() => _policy.RunWithBinding(_run, _policyBinding);

    /// <summary>Hot path, allocation-free. <see cref="Z"/>, <see cref="Actions"/>, <see cref="TerminalEps"/>, <see cref="QPair"/> -> <see cref="Value"/>.</summary>
    public void Score() => _value.RunWithBinding(_run, _valueBinding);

    private OrtValue Bind(float[] data, params long[] shape)
    {
        var v = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(), shape);
        _values.Add(v);
        return v;
    }

    public void Dispose()
    {
        _encodeBinding.Dispose(); _policyBinding.Dispose(); _valueBinding.Dispose();
        foreach (var v in _values) v.Dispose();
        _run.Dispose();
        _encode.Dispose(); _policy.Dispose(); _value.Dispose();
    }
}
