using Robotics.Core.Models;
using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Sim.Mujoco.Costs;

/// <summary>DMC pendulum swingup's reward, negated, on [zz, xz, rate]: -tolerance(zz, (cos 8 deg, 1)).</summary>
public sealed class PendulumSwingupCost : IAnalyticCost, IGraphCost
{
    public static readonly Tolerance Upright = new(Math.Cos(8 * Math.PI / 180), 1);

    public IGraphCost GraphForm => this;
    public string Id => "mj-pendulum-swingup";

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action) => (float)-Upright.Of(obs[0]);

    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action) =>
        g.Neg(ToleranceGraph.Build(g, g.Gather(obs, 0, axis: 1), Upright));
}
