namespace Robotics.Core.Spaces;

/// <summary>A discrete space {0, ..., N-1} (Gymnasium's Discrete), carried on the wire as one float.</summary>
public sealed record DiscreteSpace : Space
{
    public DiscreteSpace(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "a discrete space needs at least one value");
        N = n;
    }

    public int N { get; }
    public override int FlatSize => 1;

    public override bool Contains(ReadOnlySpan<float> x) =>
        x.Length == 1 && float.IsFinite(x[0]) && x[0] >= 0 && x[0] < N && x[0] == MathF.Floor(x[0]);
}
