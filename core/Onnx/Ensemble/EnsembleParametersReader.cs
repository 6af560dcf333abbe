using Robotics.Core.Models;

namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// Recovers <see cref="EnsembleParameters"/> from a step model written by <see cref="EnsembleStepGraph"/>, by
/// its initializer names. The runtime uses it to build the fused rollout graph at load time for exactly the
/// planner's horizon and costs; callers should confirm the rebuilt step graph reproduces the file's outputs.
/// </summary>
public static class EnsembleParametersReader
{
    /// <summary>
    /// Not real-time. Null (with the reason) when the file was not written by this builder. The graph does not record
    /// its disagreement measure; pass the card's (<see cref="EnsembleSection.Measure"/>) and check the rebuilt outputs.
    /// </summary>
    public static EnsembleParameters? FromStepModel(ReadOnlySpan<byte> model, int obsDim, int actDim, DisagreementMeasure measure, out string reason)
    {
        Dictionary<string, OnnxInitializerReader.Tensor> t;
        try { t = OnnxInitializerReader.ReadFloatInitializers(model); }
        catch (InvalidDataException e) { reason = e.Message; return null; }
        string[] required = [EnsembleForward.InputMeanName, EnsembleForward.InputStdName, EnsembleForward.DeltaMeanName,
                             EnsembleForward.DeltaStdName, EnsembleForward.WeightName(0), EnsembleForward.BiasName(0)];
        foreach (string name in required)
            if (!t.ContainsKey(name)) { reason = $"no initializer '{name}' (not a step graph built by core's EnsembleStepGraph)"; return null; }

        var weights = new List<float[]>();
        var biases = new List<float[]>();
        var sizes = new List<int>();
        int members = 0;
        for (int l = 0; t.TryGetValue(EnsembleForward.WeightName(l), out var w); l++)
        {
            if (w.Dims.Length != 3 || !t.TryGetValue(EnsembleForward.BiasName(l), out var b)) { reason = $"layer {l} is not [E, in, out] with a bias"; return null; }
            if (l == 0) { members = (int)w.Dims[0]; sizes.Add((int)w.Dims[1]); }
            sizes.Add((int)w.Dims[2]);
            weights.Add(w.Data);
            biases.Add(b.Data);
        }
        bool reward = t.ContainsKey(EnsembleForward.RewardMeanName) && t.ContainsKey(EnsembleForward.RewardStdName);
        float[] outMean = [.. t[EnsembleForward.DeltaMeanName].Data, .. reward ? t[EnsembleForward.RewardMeanName].Data : []];
        float[] outStd = [.. t[EnsembleForward.DeltaStdName].Data, .. reward ? t[EnsembleForward.RewardStdName].Data : []];
        try
        {
            reason = "";
            return new EnsembleParameters(obsDim, actDim, members, [.. sizes], [.. weights], [.. biases],
                t[EnsembleForward.InputMeanName].Data, t[EnsembleForward.InputStdName].Data, outMean, outStd, reward) { Measure = measure };
        }
        catch (ArgumentException e) { reason = e.Message; return null; }
    }
}
