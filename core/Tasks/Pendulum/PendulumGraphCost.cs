using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Tasks;

/// <summary>
/// Pendulum's cost on observations [cos th, sin th, th_dot] and torque, as ONNX:
/// atan2(sin, cos)^2 + 0.1 th_dot^2 + 0.001 clip(u, -2, 2)^2 (<see cref="PendulumCost"/>).
/// </summary>
public sealed class PendulumGraphCost : IGraphCost
{
    public string Id => "pendulum";

    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action)
    {
        OnnxValue cos = g.Gather(obs, 0, axis: 1), sin = g.Gather(obs, 1, axis: 1), thdot = g.Gather(obs, 2, axis: 1);
        OnnxValue u = g.Clip(g.Gather(action, 0, axis: 1), -2f, 2f);
        OnnxValue th = OnnxMath.Atan2(g, sin, cos);
        return g.Add(g.Mul(th, th),
               g.Add(g.Mul(g.Const(0.1f), g.Mul(thdot, thdot)), g.Mul(g.Const(0.001f), g.Mul(u, u))));
    }
}
