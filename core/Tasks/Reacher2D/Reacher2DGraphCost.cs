using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Tasks;

/// <summary>
/// Reacher2D's cost on observations whose entries <see cref="DxIndex"/> and DxIndex + 1 are fingertip minus
/// target, and torques [tau1, tau2], as ONNX: |tip - target| + w |clip(tau, +-tau_max) / tau_max|^2
/// (<see cref="Reacher2DCost"/>).
/// </summary>
public sealed class Reacher2DGraphCost : IGraphCost
{
    public const int DxIndex = 8;
    private readonly float _maxTorque, _controlWeight;

    public Reacher2DGraphCost(float maxTorque, float controlCostWeight)
    {
        if (!(maxTorque > 0) || !float.IsFinite(maxTorque)) throw new ArgumentException($"reacher2d graph cost: max torque must be > 0, got {maxTorque}");
        if (!(controlCostWeight >= 0) || !float.IsFinite(controlCostWeight)) throw new ArgumentException($"reacher2d graph cost: control weight must be >= 0, got {controlCostWeight}");
        _maxTorque = maxTorque;
        _controlWeight = controlCostWeight;
    }

    public string Id => "reacher2d";

    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action)
    {
        OnnxValue distance = g.Sqrt(g.ReduceSumSquare(g.Slice(obs, [DxIndex], [DxIndex + 2], [1]), [1], keepDims: false));
        OnnxValue u = g.Clip(action, -_maxTorque, _maxTorque);
        OnnxValue effort = g.Mul(g.Const(_controlWeight / (_maxTorque * _maxTorque)), g.ReduceSumSquare(u, [1], keepDims: false));
        return g.Add(distance, effort);
    }
}
