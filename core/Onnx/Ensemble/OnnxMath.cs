namespace Robotics.Core.Onnx.Ensemble;

/// <summary>Functions opset 17 lacks, composed from its operators.</summary>
public static class OnnxMath
{
    /// <summary>
    /// atan2(y, x) in (-pi, pi] from Atan, Where and Sign: atan(y / x) shifted by +-pi when x &lt; 0
    /// (+pi for y &gt;= 0, so atan2(+-0, x &lt; 0) = +pi), and sign(y) pi / 2 when x = 0 (0 at the origin).
    /// The division never sees x = 0, so no NaN or Inf is produced for finite inputs.
    /// </summary>
    public static OnnxValue Atan2(OnnxGraphBuilder g, OnnxValue y, OnnxValue x)
    {
        OnnxValue zero = g.Const(0f), pi = g.Const(MathF.PI);
        OnnxValue xZero = g.Equal(x, zero);
        OnnxValue safeX = g.Where(xZero, g.Const(1f), x);
        OnnxValue principal = g.Atan(g.Div(y, safeX));
        OnnxValue shift = g.Where(g.Less(x, zero), g.Where(g.Less(y, zero), g.Neg(pi), pi), zero);
        OnnxValue onAxis = g.Mul(g.Node("Sign", [y]), g.Const(MathF.PI / 2));
        return g.Where(xZero, onAxis, g.Add(principal, shift));
    }
}
