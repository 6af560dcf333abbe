using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Onnx.Inverse;

/// <summary>Input and output names of the inverse-dynamics graph.</summary>
public static class InverseDynamicsGraphNames
{
    public const string Obs = "obs";                     // [N, obs_dim]
    public const string NextObs = "next_obs";            // [N, obs_dim], the desired (or observed) next observation
    public const string Action = "action";               // [N, act_dim], mean over members, not clipped to the box
    public const string ActionMembers = "action_members"; // [E, N, act_dim]
    public const string ActionStd = "action_std";        // [N, act_dim], spread of the members (action units)
}

/// <summary>
/// The only builder of the inverse-dynamics graph (opset of core's builder, no random operators): obs [N, obs]
/// and next_obs [N, obs] -> action [N, act] = mean over members of f_e([s, s' - s]), action_members [E, N, act],
/// action_std [N, act] (the members' standard deviation: the model's epistemic uncertainty). Normalisation
/// inside; the dense stack is <see cref="EnsembleForward.DenseStack"/>, the one the dynamics ensemble uses.
/// </summary>
public static class InverseDynamicsGraph
{
    public static OnnxModel Build(InverseDynamicsParameters p, IReadOnlyDictionary<string, string>? metadata = null, string producerVersion = "")
    {
        p.Validate();
        int e = p.Members, a = p.ActDim;
        var g = new OnnxGraphBuilder("inverse_dynamics")
        {
            DocString = "Inverse dynamics ensemble: (obs, next_obs) -> the action that moves obs to next_obs (members' mean), each member's action, and their spread.",
        };
        OnnxValue obs = g.Input(InverseDynamicsGraphNames.Obs, ["N", p.ObsDim]);
        OnnxValue next = g.Input(InverseDynamicsGraphNames.NextObs, ["N", p.ObsDim]);
        var w = new OnnxValue[p.LayerCount];
        var b = new OnnxValue[p.LayerCount];
        for (int l = 0; l < p.LayerCount; l++)
        {
            w[l] = g.Initializer($"inverse.layer{l}.weight", p.Weights[l], e, p.LayerSizes[l], p.LayerSizes[l + 1]);
            b[l] = g.Initializer($"inverse.layer{l}.bias", p.Biases[l], e, 1, p.LayerSizes[l + 1]);
        }
        OnnxValue x = g.Concat(1, obs, g.Sub(next, obs));
        x = g.Div(g.Sub(x, g.Initializer("inverse.input_mean", p.InputMean, p.InputWidth)), g.Initializer("inverse.input_std", p.InputStd, p.InputWidth));
        OnnxValue h = EnsembleForward.DenseStack(g, x, w, b);                                // [E, N, out]
        OnnxValue meanNorm = p.LayerSizes[^1] == a ? h : g.Slice(h, [0], [a], [2]);
        OnnxValue members = g.Add(g.Mul(meanNorm, g.Initializer("inverse.action_std", p.OutputStd, a)),
                                  g.Initializer("inverse.action_mean", p.OutputMean, a));     // [E, N, act]
        OnnxValue action = g.ReduceMean(members, [0], keepDims: false);
        OnnxValue spread = g.Sqrt(g.ReduceMean(g.Mul(g.Sub(members, action), g.Sub(members, action)), [0], keepDims: false));
        g.Output(InverseDynamicsGraphNames.Action, action, ["N", a]);
        g.Output(InverseDynamicsGraphNames.ActionMembers, members, [e, "N", a]);
        g.Output(InverseDynamicsGraphNames.ActionStd, spread, ["N", a]);
        return g.ToModel(metadata, producerVersion);
    }
}
