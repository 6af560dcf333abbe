using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Tasks;

/// <summary>
/// Cartpole swing-up's cost on observations [x, cos th, sin th, xdot, thdot] and a force, as ONNX:
/// w (clip(F, +-F_max) / F_max)^2 - exp(-d^2 / L^2), d the pole tip's distance from upright over the origin
/// (<see cref="CartpoleSwingupCost"/>).
/// </summary>
public sealed class CartpoleSwingupGraphCost : IGraphCost
{
    private readonly float _poleLength, _maxForce, _controlWeight;

    public CartpoleSwingupGraphCost(float poleLength, float maxForce, float controlCostWeight)
    {
        if (!(poleLength > 0) || !float.IsFinite(poleLength)) throw new ArgumentException($"cartpole graph cost: pole length must be > 0, got {poleLength}");
        if (!(maxForce > 0) || !float.IsFinite(maxForce)) throw new ArgumentException($"cartpole graph cost: max force must be > 0, got {maxForce}");
        if (!(controlCostWeight >= 0) || !float.IsFinite(controlCostWeight)) throw new ArgumentException($"cartpole graph cost: control weight must be >= 0, got {controlCostWeight}");
        _poleLength = poleLength;
        _maxForce = maxForce;
        _controlWeight = controlCostWeight;
    }

    public string Id => "cartpole-swingup";

    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action)
    {
        OnnxValue x = g.Gather(obs, 0, axis: 1), cos = g.Gather(obs, 1, axis: 1), sin = g.Gather(obs, 2, axis: 1);
        OnnxValue length = g.Const(_poleLength);
        OnnxValue dx = g.Add(x, g.Mul(length, sin));
        OnnxValue dy = g.Mul(length, g.Sub(g.Const(1f), cos));
        OnnxValue d2 = g.Add(g.Mul(dx, dx), g.Mul(dy, dy));
        OnnxValue upright = g.Exp(g.Mul(g.Const(-1f / (_poleLength * _poleLength)), d2));
        OnnxValue u = g.Clip(g.Gather(action, 0, axis: 1), -_maxForce, _maxForce);
        OnnxValue effort = g.Mul(g.Const(_controlWeight / (_maxForce * _maxForce)), g.Mul(u, u));
        return g.Sub(effort, upright);
    }
}
