using Robotics.Core.Models;
using Robotics.Runtime.Models;

namespace Robotics.Runtime.Controllers.Policy;

/// <summary>
/// Kind <c>policy</c> (MBPO, SAC): the card's <c>policy</c> graph through <see cref="OnnxPolicy"/>. When the card
/// also lists a <c>step</c> graph (MBPO's ensemble, written beside the policy), that ensemble is the gate's
/// safety predictor (disagreement calibrated in its card), so <c>--model DIR/policy.onnx</c> alone is gated;
/// <c>--safety-model</c> overrides it. A policy without one gets no predictor (the session says so).
/// </summary>
public sealed class PolicyFactory : IControllerFactory
{
    public string Kind => ModelKinds.Policy;

    public string Describe(ModelCard card) =>
        $"policy ({card.Algo}, graph '{GraphRoles.Policy}', {card.ObsDim} -> {card.ActDim}); safety predictor: " +
        (card.HasGraph(GraphRoles.Step) ? $"the ensemble '{card.Graphs[GraphRoles.Step]}' beside it (p99 {card.Uncertainty?.P99:G4})" : "none of its own");

    public IController Create(ControllerContext c)
    {
        ControllerOptions o = c.Options.Validate();
        var policy = OnnxPolicy.Load(c.Model, 1, new WorldModelOptions { MaxBatch = 1, IntraOpThreads = 1, Provider = o.Provider }, c.Logger);
        try { return new PolicyController(policy, c.Robot.ActionSpace, c.Robot.SafeAction); }
        catch
        {
            policy.Dispose();
            throw;
        }
    }

    public bool CanPredictSafety(ModelCard card) => card.HasGraph(GraphRoles.Step) && card.Uncertainty is not null;

    public ISafetyPredictor? CreateSafetyPredictor(SafetyPredictorRequest r) =>
        r.Model.Card.HasGraph(GraphRoles.Step)
            ? OnnxWorldModel.Load(r.Model.GraphPath(GraphRoles.Step), r.Robot,
                                  new WorldModelOptions { MaxBatch = r.MaxBatch, IntraOpThreads = 1, Provider = r.Options.Provider }, r.Logger)
            : null;
}
