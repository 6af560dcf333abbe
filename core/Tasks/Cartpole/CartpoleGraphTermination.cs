using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Tasks;

/// <summary>
/// CartPole-v1's terminal test on observations [x, x_dot, theta, theta_dot] as ONNX: outside |x| &lt;= 2.4 or
/// |theta| &lt;= 12 degrees, or NaN (<see cref="CartpoleTask.IsTerminal"/>, the same float bounds as <see cref="CartpoleGraphCost"/>).
/// </summary>
public sealed class CartpoleGraphTermination : IGraphTermination
{
    public string Id => "cartpole";
    public bool Never => false;

    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs)
    {
        OnnxValue x = g.Abs(g.Gather(obs, 0, axis: 1)), th = g.Abs(g.Gather(obs, 2, axis: 1));
        OnnxValue inX = g.Less(x, g.Const(CartpoleGraphCost.StrictBound(CartpoleTask.XThreshold)));
        OnnxValue inTh = g.Less(th, g.Const(CartpoleGraphCost.StrictBound(CartpoleTask.ThetaThreshold)));
        return g.Not(g.And(inX, inTh));
    }
}
