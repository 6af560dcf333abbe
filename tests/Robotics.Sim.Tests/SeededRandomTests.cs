using Robotics.Sim.Environments;

namespace Robotics.Sim.Tests;

public class SeededRandomTests
{
    [Fact]
    public void Reseed_RestartsTheSequence_AndDifferentSeedsDiffer()
    {
        var a = new SeededRandom(3);
        double[] first = [a.NextDouble(), a.NextDouble(), a.NextDouble()];
        a.Reseed(3);
        double[] again = [a.NextDouble(), a.NextDouble(), a.NextDouble()];
        Assert.Equal(first, again);
        var b = new SeededRandom(4);
        Assert.NotEqual(first[0], b.NextDouble());
    }

    [Fact]
    public void NextDouble_IsUniformOnTheUnitInterval()
    {
        var r = new SeededRandom(0);
        var bins = new int[10];
        for (int i = 0; i < 100_000; i++)
        {
            double u = r.NextDouble();
            Assert.InRange(u, 0.0, 0.9999999999999999);
            bins[(int)(u * 10)]++;
        }
        Assert.All(bins, n => Assert.InRange(n, 9_500, 10_500)); // +-5 sigma of 10,000
    }

    [Fact]
    public void Reseed_AllocatesNothing()
    {
        var r = new SeededRandom(0);
        r.Reseed(1); r.NextDouble();
        Action window = () => { for (int i = 0; i < 1000; i++) { r.Reseed(i); r.Symmetric(1.0); } };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }
}
