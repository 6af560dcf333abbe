using Robotics.Core.Onnx;

namespace Robotics.Sim.Mujoco.Costs;

/// <summary><see cref="Tolerance"/> as ONNX operators (float32), for the tasks' graph costs.</summary>
public static class ToleranceGraph
{
    /// <summary>Adds the nodes of <paramref name="t"/>(x) for a tensor x of any shape.</summary>
    public static OnnxValue Build(OnnxGraphBuilder g, OnnxValue x, Tolerance t)
    {
        OnnxValue lower = g.Const((float)t.Lower), upper = g.Const((float)t.Upper);
        OnnxValue below = g.Less(x, lower);
        OnnxValue inBounds = g.And(g.Not(below), g.Not(g.Greater(x, upper)));
        OnnxValue one = g.Const(1f);
        if (t.Margin == 0) return g.Where(inBounds, one, g.Const(0f));
        // Distance to the nearest bound; an infinite bound's branch is never selected where it is infinite.
        OnnxValue d = g.Where(below, g.Sub(lower, x), g.Sub(x, upper));
        OnnxValue s = g.Mul(d, g.Const((float)(t.Scale / t.Margin)));
        return g.Where(inBounds, one, Sigmoid(g, t.Shape, s));
    }

    private static OnnxValue Sigmoid(OnnxGraphBuilder g, Sigmoid shape, OnnxValue s)
    {
        // Constants are made only where a branch uses them: ONNX Runtime warns about unused initializers.
        OnnxValue One() => g.Const(1f);
        OnnxValue Inside() => g.Less(g.Abs(s), One());
        OnnxValue Zero() => g.Const(0f);
        return shape switch
        {
            Mujoco.Sigmoid.Gaussian => g.Exp(g.Mul(g.Const(-0.5f), g.Mul(s, s))),
            // 1/cosh(s) = 2 / (e^s + e^-s)
            Mujoco.Sigmoid.Hyperbolic => g.Div(g.Const(2f), g.Add(g.Exp(s), g.Exp(g.Neg(s)))),
            Mujoco.Sigmoid.LongTail => g.Reciprocal(g.Add(g.Mul(s, s), One())),
            Mujoco.Sigmoid.Reciprocal => g.Reciprocal(g.Add(g.Abs(s), One())),
            Mujoco.Sigmoid.Cosine => g.Where(Inside(), g.Mul(g.Const(0.5f), g.Add(One(), g.Cos(g.Mul(g.Const(MathF.PI), s)))), Zero()),
            Mujoco.Sigmoid.Linear => g.Where(Inside(), g.Sub(One(), s), Zero()),
            Mujoco.Sigmoid.Quadratic => g.Where(Inside(), g.Sub(One(), g.Mul(s, s)), Zero()),
            Mujoco.Sigmoid.TanhSquared => g.Sub(One(), g.Mul(g.Tanh(s), g.Tanh(s))),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }
}
