using Robotics.Core.Models;
using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Sim.Mujoco.Costs;

/// <summary>
/// DMC reacher's reward, negated, on [shoulder, wrist, to_target x, y, rates]: -tolerance(|to_target|, (0, radii)),
/// radii = target + finger radius. The finger and target lie in one plane, so the planar distance is DMC's.
/// </summary>
public sealed class ReacherCost(double radii) : IAnalyticCost, IGraphCost
{
    public Tolerance Reach { get; } = new(0, radii);
    public IGraphCost GraphForm => this;
    public string Id => "mj-reacher";

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action) =>
        (float)-Reach.Of(Math.Sqrt((double)obs[2] * obs[2] + (double)obs[3] * obs[3]));

    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action) =>
        g.Neg(ToleranceGraph.Build(g, g.Sqrt(g.ReduceSumSquare(g.Slice(obs, [2], [4], [1]), [1], keepDims: false)), Reach));
}
