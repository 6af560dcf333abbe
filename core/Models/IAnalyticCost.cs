namespace Robotics.Core.Models;

/// <summary>
/// A cost a planner can use when no reward model is learned: usually the environment's negative reward,
/// written in terms of the observation (so it works on predicted observations).
/// </summary>
public interface IAnalyticCost
{
    /// <summary>Hot path. Cost of taking <paramref name="action"/> in (predicted) observation <paramref name="obs"/>.</summary>
    float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action);

    /// <summary>
    /// The same cost as ONNX operators, so a fused rollout graph can score candidates inside ONNX Runtime;
    /// null when the cost has no ONNX form (planners then score step by step).
    /// </summary>
    Onnx.Ensemble.IGraphCost? GraphForm => null;
}
