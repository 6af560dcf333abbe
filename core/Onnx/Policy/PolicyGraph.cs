namespace Robotics.Core.Onnx.Policy;

/// <summary>Input and output names of the policy graph, and its file name in a deployment directory.</summary>
public static class PolicyGraphNames
{
    public const string Obs = "obs", Action = "action", Mean = "mean", LogStd = "log_std";
    /// <summary>The policy's file (carries the card); the ensemble that gates it sits beside it.</summary>
    public const string PolicyFile = "policy.onnx", EnsembleFile = "ensemble.onnx";
}

/// <summary>
/// The only builder of the policy graph (opset 17, no random operators): <c>obs</c> [N, obs] -> <c>action</c>
/// [N, act] (the deterministic action tanh(mean) on the action box), <c>mean</c> [N, act] and <c>log_std</c>
/// [N, act] (the Gaussian before the tanh, for anyone who wants to sample: pass the noise in). Normalisation inside.
/// </summary>
public static class PolicyGraph
{
    public static OnnxModel Build(PolicyParameters p, IReadOnlyDictionary<string, string>? metadata = null, string producerVersion = "")
    {
        p.Validate();
        var g = new OnnxGraphBuilder("policy")
        {
            DocString = "tanh-Gaussian policy: obs -> deterministic action tanh(mean) scaled to the action box, and the Gaussian's mean and log-std.",
        };
        OnnxValue obs = g.Input(PolicyGraphNames.Obs, ["N", p.ObsDim]);
        OnnxValue h = g.Div(g.Sub(obs, g.Const(p.ObsMean, p.ObsDim)), g.Const(p.ObsStd, p.ObsDim));
        for (int l = 0; l < p.LayerCount; l++)
        {
            h = g.Add(g.MatMul(h, g.Initializer($"w{l}", p.Weights[l], p.LayerSizes[l], p.LayerSizes[l + 1])),
                      g.Initializer($"b{l}", p.Biases[l], p.LayerSizes[l + 1]));
            if (l < p.LayerCount - 1) h = g.Relu(h);
        }
        OnnxValue[] parts = g.Split(h, 1, p.ActDim, p.ActDim);
        OnnxValue mean = parts[0];
        float half = 0.5f * (p.LogStdMax - p.LogStdMin);
        OnnxValue logStd = g.Add(g.Mul(g.Add(g.Tanh(parts[1]), g.Const(1f)), g.Const(half)), g.Const(p.LogStdMin));
        var center = new float[p.ActDim];
        var scale = new float[p.ActDim];
        for (int j = 0; j < p.ActDim; j++)
        {
            center[j] = 0.5f * (p.ActionLow[j] + p.ActionHigh[j]);
            scale[j] = 0.5f * (p.ActionHigh[j] - p.ActionLow[j]);
        }
        OnnxValue action = g.Add(g.Mul(g.Tanh(mean), g.Const(scale, p.ActDim)), g.Const(center, p.ActDim));
        g.Output(PolicyGraphNames.Action, action, ["N", p.ActDim]);
        g.Output(PolicyGraphNames.Mean, mean, ["N", p.ActDim]);
        g.Output(PolicyGraphNames.LogStd, logStd, ["N", p.ActDim]);
        return g.ToModel(metadata, producerVersion);
    }
}
