using Robotics.Core.Models;
using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Sim.Mujoco.Costs;

/// <summary>
/// DeepMind Control's cartpole reward, negated, on an observation [x, cos, sin, xdot, thetadot] and the
/// control: -Cost(obs after the step, ctrl) is the step's reward exactly (to float rounding). The C# and ONNX
/// forms are the same formula (<see cref="Build"/>); planners score predicted observations with it.
/// </summary>
public sealed class CartpoleCost(bool sparse) : IAnalyticCost, IGraphCost
{
    public static readonly Tolerance Centered = new(0, 0, margin: 2);
    public static readonly Tolerance SmallControl = new(0, 0, margin: 1, Sigmoid.Quadratic, valueAtMargin: 0);
    public static readonly Tolerance SmallVelocity = new(0, 0, margin: 5);
    public static readonly Tolerance CartInBounds = new(-0.25, 0.25);
    public static readonly Tolerance AngleInBounds = new(0.995, 1);

    public bool Sparse => sparse;
    public IGraphCost GraphForm => this;
    public string Id => sparse ? "mj-cartpole-sparse" : "mj-cartpole";

    /// <summary>Allocation-free. The reward of a state (cart x, pole cos, pole rate) and the applied control.</summary>
    public static double Reward(bool sparse, double x, double cos, double angularVelocity, double control)
    {
        if (sparse) return CartInBounds.Of(x) * AngleInBounds.Of(cos);
        double upright = (cos + 1) / 2;
        double centered = (1 + Centered.Of(x)) / 2;
        double smallControl = (4 + SmallControl.Of(control)) / 5;
        double smallVelocity = (1 + SmallVelocity.Of(angularVelocity)) / 2;
        return upright * smallControl * smallVelocity * centered;
    }

    /// <summary>Hot path, allocation-free.</summary>
    public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action) =>
        (float)-Reward(sparse, obs[0], obs[1], obs[4], Math.Clamp(action[0], -1f, 1f));

    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action)
    {
        OnnxValue x = g.Gather(obs, 0, axis: 1), cos = g.Gather(obs, 1, axis: 1);
        if (sparse)
            return g.Neg(g.Mul(ToleranceGraph.Build(g, x, CartInBounds), ToleranceGraph.Build(g, cos, AngleInBounds)));
        OnnxValue w = g.Gather(obs, 4, axis: 1), u = g.Clip(g.Gather(action, 0, axis: 1), -1f, 1f);
        OnnxValue half = g.Const(0.5f), one = g.Const(1f);
        OnnxValue upright = g.Mul(half, g.Add(cos, one));
        OnnxValue centered = g.Mul(half, g.Add(one, ToleranceGraph.Build(g, x, Centered)));
        OnnxValue control = g.Mul(g.Const(0.2f), g.Add(g.Const(4f), ToleranceGraph.Build(g, u, SmallControl)));
        OnnxValue velocity = g.Mul(half, g.Add(one, ToleranceGraph.Build(g, w, SmallVelocity)));
        return g.Neg(g.Mul(g.Mul(upright, control), g.Mul(velocity, centered)));
    }
}
