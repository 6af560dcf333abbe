using Robotics.Core.Models;
using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Sim.Mujoco.Costs;

/// <summary>The arm reach reward, negated, on the observation's to_target (x, z): -tolerance(distance, (0, 0.04), margin 0.2).</summary>
public sealed class Arm3ReachCost : IAnalyticCost, IGraphCost
{
    public static readonly Tolerance Reach = new(0, 0.04, margin: 0.2);

    public IGraphCost GraphForm => this;
    public string Id => "mj-arm3-reach";

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action) =>
        (float)-Reach.Of(Math.Sqrt((double)obs[3] * obs[3] + (double)obs[4] * obs[4]));

    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action) =>
        g.Neg(ToleranceGraph.Build(g, g.Sqrt(g.ReduceSumSquare(g.Slice(obs, [3], [5], [1]), [1], keepDims: false)), Reach));
}
