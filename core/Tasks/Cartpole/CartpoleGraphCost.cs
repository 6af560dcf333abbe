using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Tasks;

/// <summary>
/// CartPole-v1's cost on observations [x, x_dot, theta, theta_dot] as ONNX: -1 where |x| &lt;= 2.4 and
/// |theta| &lt;= 12 degrees, else 0 (<see cref="CartpoleCost"/>; NaN compares false, so it costs 0 there too).
/// </summary>
public sealed class CartpoleGraphCost : IGraphCost
{
    public string Id => "cartpole";

    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action)
    {
        OnnxValue x = g.Abs(g.Gather(obs, 0, axis: 1)), th = g.Abs(g.Gather(obs, 2, axis: 1));
        // Less (false on NaN) against the smallest float above the double threshold: the same test as C#'s
        // float-promoted-to-double comparison, for every float.
        OnnxValue inX = g.Less(x, g.Const(StrictBound(CartpoleTask.XThreshold)));
        OnnxValue inTh = g.Less(th, g.Const(StrictBound(CartpoleTask.ThetaThreshold)));
        return g.Where(g.And(inX, inTh), g.Const(-1f), g.Const(0f));
    }

    /// <summary>The smallest float b with b &gt; t: for a float v, v &lt; b exactly when (double)v &lt;= t.</summary>
    public static float StrictBound(double t)
    {
        float f = (float)t;
        return (double)f > t ? f : MathF.BitIncrement(f);
    }
}
