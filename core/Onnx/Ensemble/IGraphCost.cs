namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// An environment's analytic cost written as ONNX operators, so a fused rollout graph can score candidates
/// without leaving ONNX Runtime. Must equal the environment's <c>IAnalyticCost</c> on the same inputs.
/// </summary>
public interface IGraphCost
{
    /// <summary>Short name stored in the rollout graph's metadata, e.g. "pendulum".</summary>
    string Id { get; }

    /// <summary>Adds the nodes computing cost [P] from observations [P, obs_dim] and actions [P, act_dim].</summary>
    OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action);
}
