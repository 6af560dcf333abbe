namespace Robotics.Sim.Mujoco;

/// <summary>The sigmoids of DeepMind Control's <c>rewards.tolerance</c>: how the value falls off outside the bounds.</summary>
public enum Sigmoid { Gaussian, Hyperbolic, LongTail, Reciprocal, Cosine, Linear, Quadratic, TanhSquared }

/// <summary>
/// DeepMind Control's soft indicator <c>rewards.tolerance(x, bounds, margin, sigmoid, value_at_margin)</c>:
/// 1 inside [lower, upper]; outside, with margin 0, 0; with margin &gt; 0, the sigmoid of the distance to the
/// nearest bound divided by the margin, scaled so the value at one margin is <c>valueAtMargin</c> (default 0.1).
/// Validated once at construction like DMC's (bounds ordered, margin &gt;= 0, value_at_margin in (0, 1), or
/// [0, 1) for cosine, linear and quadratic); <see cref="Of"/> is then a pure, allocation-free function.
/// </summary>
public readonly record struct Tolerance
{
    public const double DefaultValueAtMargin = 0.1;

    public Tolerance(double lower, double upper, double margin = 0, Sigmoid sigmoid = Sigmoid.Gaussian, double valueAtMargin = DefaultValueAtMargin)
    {
        if (double.IsNaN(lower) || double.IsNaN(upper) || lower > upper)
            throw new ArgumentException($"tolerance: lower bound must be <= upper bound, got ({lower}, {upper})");
        if (!(margin >= 0)) throw new ArgumentException($"tolerance: margin must be non-negative, got {margin}");
        bool zeroAllowed = sigmoid is Sigmoid.Cosine or Sigmoid.Linear or Sigmoid.Quadratic;
        if (margin > 0 && (zeroAllowed ? !(valueAtMargin >= 0 && valueAtMargin < 1) : !(valueAtMargin > 0 && valueAtMargin < 1)))
            throw new ArgumentException($"tolerance: value_at_margin must be in {(zeroAllowed ? "[0, 1)" : "(0, 1)")} for {sigmoid}, got {valueAtMargin}");
        Lower = lower; Upper = upper; Margin = margin; Shape = sigmoid; ValueAtMargin = valueAtMargin;
        Scale = margin > 0 ? ScaleOf(sigmoid, valueAtMargin) : 0;
    }

    public double Lower { get; }
    public double Upper { get; }
    public double Margin { get; }
    public Sigmoid Shape { get; }
    public double ValueAtMargin { get; }
    /// <summary>The sigmoid's scale for <see cref="ValueAtMargin"/> (DMC's <c>scale</c>).</summary>
    public double Scale { get; }

    /// <summary>Hot path, allocation-free.</summary>
    public double Of(double x)
    {
        bool inBounds = Lower <= x && x <= Upper;
        if (inBounds) return 1.0;
        if (Margin == 0) return 0.0;
        double d = (x < Lower ? Lower - x : x - Upper) / Margin;
        return Apply(Shape, d * Scale);
    }

    /// <summary>The sigmoid at an already scaled distance s = d x scale (1 at 0).</summary>
    public static double Apply(Sigmoid sigmoid, double s) => sigmoid switch
    {
        Sigmoid.Gaussian => Math.Exp(-0.5 * s * s),
        Sigmoid.Hyperbolic => 1 / Math.Cosh(s),
        Sigmoid.LongTail => 1 / (s * s + 1),
        Sigmoid.Reciprocal => 1 / (Math.Abs(s) + 1),
        Sigmoid.Cosine => Math.Abs(s) < 1 ? (1 + Math.Cos(Math.PI * s)) / 2 : 0.0,
        Sigmoid.Linear => Math.Abs(s) < 1 ? 1 - s : 0.0,
        Sigmoid.Quadratic => Math.Abs(s) < 1 ? 1 - s * s : 0.0,
        Sigmoid.TanhSquared => 1 - Math.Tanh(s) * Math.Tanh(s),
        _ => throw new ArgumentOutOfRangeException(nameof(sigmoid)),
    };

    private static double ScaleOf(Sigmoid sigmoid, double v) => sigmoid switch
    {
        Sigmoid.Gaussian => Math.Sqrt(-2 * Math.Log(v)),
        Sigmoid.Hyperbolic => Math.Acosh(1 / v),
        Sigmoid.LongTail => Math.Sqrt(1 / v - 1),
        Sigmoid.Reciprocal => 1 / v - 1,
        Sigmoid.Cosine => Math.Acos(2 * v - 1) / Math.PI,
        Sigmoid.Linear => 1 - v,
        Sigmoid.Quadratic => Math.Sqrt(1 - v),
        Sigmoid.TanhSquared => Math.Atanh(Math.Sqrt(1 - v)),
        _ => throw new ArgumentOutOfRangeException(nameof(sigmoid)),
    };
}
