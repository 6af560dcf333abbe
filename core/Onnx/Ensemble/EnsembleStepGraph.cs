using Robotics.Core.Models;

namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// Builds the ensemble's step graph (the export contract the runtime loads): inputs obs [N, obs_dim] and
/// action [N, act_dim]; outputs next_obs [N, obs_dim], reward [N], next_obs_members [E, N, obs_dim] and
/// disagreement [N], N dynamic, normalisation inside. The one place a step graph is constructed.
/// </summary>
public static class EnsembleStepGraph
{
    public static OnnxModel Build(EnsembleParameters p, IReadOnlyDictionary<string, string>? metadata = null, string producerVersion = "",
                                  string docString = "")
    {
        var g = new OnnxGraphBuilder("ensemble_step") { DocString = docString };
        OnnxValue obs = g.Input(EnsembleGraphNames.Obs, ["N", p.ObsDim]);
        OnnxValue action = g.Input(EnsembleGraphNames.Action, ["N", p.ActDim]);
        var s = new EnsembleForward(g, p).Step(obs, action);
        g.Output(EnsembleGraphNames.NextObs, s.NextObs, ["N", p.ObsDim]);
        g.Output(EnsembleGraphNames.Reward, s.Reward, ["N"]);
        g.Output(EnsembleGraphNames.NextObsMembers, s.NextObsMembers, [p.Members, "N", p.ObsDim]);
        g.Output(EnsembleGraphNames.Disagreement, s.Disagreement, ["N"]);
        return g.ToModel(metadata, producerVersion);
    }
}
