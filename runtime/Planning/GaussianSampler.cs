namespace Robotics.Runtime.Planning;

/// <summary>Standard normal samples from a seeded <see cref="Random"/> (Box-Muller, spare value kept).</summary>
public sealed class GaussianSampler(Random rng)
{
    private bool _hasSpare;
    private float _spare;

    public Random Random { get; } = rng;

    /// <summary>Hot path, allocation-free.</summary>
    public float Next()
    {
        if (_hasSpare) { _hasSpare = false; return _spare; }
        double u1 = 1.0 - Random.NextDouble(), u2 = Random.NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double a = 2.0 * Math.PI * u2;
        _spare = (float)(r * Math.Sin(a));
        _hasSpare = true;
        return (float)(r * Math.Cos(a));
    }

    /// <summary>Hot path. Fills <paramref name="dst"/> with independent standard normals.</summary>
    public void Fill(Span<float> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = Next();
    }
}
