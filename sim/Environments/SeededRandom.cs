namespace Robotics.Sim.Environments;

/// <summary>
/// A small seeded generator (SplitMix64) that can be re-seeded in place. Environments re-seed on every
/// seeded reset, and a lock-step driver resets inside its allocation-free Write, so unlike
/// <see cref="System.Random"/> re-seeding must not allocate. Deterministic across platforms and .NET versions.
/// </summary>
public sealed class SeededRandom
{
    private ulong _state;

    public SeededRandom(int seed) => Reseed(seed);

    /// <summary>Allocation-free. Restarts the sequence for <paramref name="seed"/>.</summary>
    public void Reseed(int seed) => _state = (ulong)(long)seed;

    /// <summary>Allocation-free. Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Allocation-free. Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Allocation-free. Uniform in [-halfWidth, halfWidth).</summary>
    public double Symmetric(double halfWidth) => (NextDouble() * 2 - 1) * halfWidth;

    /// <summary>Allocation-free. Uniform in [low, high).</summary>
    public double Uniform(double low, double high) => low + NextDouble() * (high - low);

    /// <summary>Allocation-free. Standard normal (Box-Muller on two uniforms; one draw per call).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log stays finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
