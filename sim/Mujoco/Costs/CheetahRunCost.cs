using Robotics.Core.Models;
using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Sim.Mujoco.Costs;

/// <summary>
/// Cheetah run's reward, negated, for planners: -tolerance(v, (10, inf), margin 10, linear, value_at_margin 0)
/// with v the root's x velocity (observation 8). The task's reward uses the torso subtree's centre-of-mass
/// velocity, which the observation does not contain; the root velocity is its closest observed stand-in, so
/// this cost approximates the reward (it is not equal to it, unlike the other tasks' costs).
/// </summary>
public sealed class CheetahRunCost : IAnalyticCost, IGraphCost
{
    public static readonly Tolerance Run = new(10, double.PositiveInfinity, margin: 10, Sigmoid.Linear, valueAtMargin: 0);
    public const int RootVelocityIndex = 8;

    public IGraphCost GraphForm => this;
    public string Id => "mj-cheetah-run";

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action) => (float)-Run.Of(obs[RootVelocityIndex]);

    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action) =>
        g.Neg(ToleranceGraph.Build(g, g.Gather(obs, RootVelocityIndex, axis: 1), Run));
}
