using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Models;

/// <summary>
/// Builds the fused rollout model at load time from the weights inside the step model file, for exactly the
/// planner's horizon and cost terms (so no second file can drift from the first, and any horizon works).
/// Before use it checks that the step graph rebuilt from those weights reproduces the file's own outputs;
/// whenever something does not fit it logs why and returns null, and planners keep the step-by-step path.
/// </summary>
public static class RolloutModelFactory
{
    /// <summary>Tolerance of the load-time check of the rebuilt step graph against the file's.</summary>
    public const float CheckTolerance = 1e-4f;

    /// <summary>
    /// Not real-time. The fused rollout model, or null with an information log line saying why not. Tree search's leaf
    /// values pass a discount (step t's cost weighted by discount^t) and the task's termination (costs stop at the first
    /// predicted terminal state) and ask for per-candidate start states (several leaves in one call); MPC keeps 1, null and one start.
    /// </summary>
    public static OnnxRolloutModel? TryCreate(string stepModelPath, ModelCard card, int horizon, CostSettings settings,
                                              IAnalyticCost? analytic, WorldModelOptions options, ILogger logger,
                                              float discount = 1f, IGraphTermination? termination = null, bool perCandidateStart = false,
                                              EnsembleForward.Layout layout = EnsembleForward.Layout.PerMember)
    {
        RolloutCostOptions? cost = RolloutCosts.For(settings, analytic);
        if (cost is null) return Skip(logger, $"env '{card.EnvId}' has no ONNX form of its analytic cost");
        cost = (cost with { Discount = discount, Termination = termination }).Validate();
        byte[] bytes = File.ReadAllBytes(stepModelPath);
        int obsDim = card.ObservationSpace.Names.Length, actDim = card.ActionSpace.Names.Length;
        EnsembleParameters? p = EnsembleParametersReader.FromStepModel(bytes, obsDim, actDim,
            card.Ensemble?.Measure ?? DisagreementMeasure.MaxMemberL2, out string reason);
        if (p is null) return Skip(logger, reason);
        if (cost.Analytic is null && !p.PredictsReward) return Skip(logger, "the model predicts no reward and no analytic cost is in use");
        if (!SameOutputs(bytes, EnsembleStepGraph.Build(p).Serialize(), obsDim, actDim, out reason)) return Skip(logger, reason);
        return OnnxRolloutModel.Create(EnsembleRolloutGraph.Build(p, horizon, cost, layout: layout, perCandidateStart: perCandidateStart).Serialize(), $"{stepModelPath} (fused rollout, built at load)", options, logger);
    }

    private static OnnxRolloutModel? Skip(ILogger logger, string why)
    {
        logger.LogInformation("rollout model: planning step by step ({Reason})", why);
        return null;
    }

    /// <summary>Runs both step graphs on the same random batch and compares every output.</summary>
    private static bool SameOutputs(byte[] file, byte[] rebuilt, int obsDim, int actDim, out string reason)
    {
        const int n = 16;
        var rng = new Random(12345);
        var obs = new float[n * obsDim];
        var act = new float[n * actDim];
        for (int i = 0; i < obs.Length; i++) obs[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < act.Length; i++) act[i] = (float)(rng.NextDouble() * 2 - 1);
        var a = Outputs(file, obs, act, n, obsDim, actDim);
        var b = Outputs(rebuilt, obs, act, n, obsDim, actDim);
        foreach (var (name, x) in a)
        {
            float[] y = b[name];
            for (int i = 0; i < x.Length; i++)
                if (!(Math.Abs(x[i] - y[i]) <= CheckTolerance * Math.Max(1, Math.Abs(x[i]))))
                {
                    reason = $"the step graph rebuilt from the file's weights differs in '{name}'[{i}]: {x[i]} vs {y[i]}";
                    return false;
                }
        }
        reason = "";
        return true;
    }

    private static Dictionary<string, float[]> Outputs(byte[] model, float[] obs, float[] act, int n, int obsDim, int actDim)
    {
        using var so = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, so);
        using var o = OrtValue.CreateTensorValueFromMemory(obs, [n, obsDim]);
        using var a = OrtValue.CreateTensorValueFromMemory(act, [n, actDim]);
        string[] names = [EnsembleGraphNames.NextObs, EnsembleGraphNames.Reward, EnsembleGraphNames.NextObsMembers, EnsembleGraphNames.Disagreement];
        using var ro = new RunOptions();
        using var outs = session.Run(ro, [EnsembleGraphNames.Obs, EnsembleGraphNames.Action], [o, a], names);
        var result = new Dictionary<string, float[]>();
        for (int i = 0; i < names.Length; i++) result[names[i]] = outs[i].GetTensorDataAsSpan<float>().ToArray();
        return result;
    }
}
