using Robotics.Core.Spaces;
using Robotics.Runtime.Loop;

namespace Robotics.Runtime.Tests;

public sealed class UniformRandomPolicyTests
{
    private static readonly BoxSpace Space = new([-2f, 0f, 10f], [2f, 0f, 11f], ["a", "fixed", "b"]);

    [Fact]
    public void Act_DrawsEveryDimensionUniformlyInsideItsBounds()
    {
        var policy = new UniformRandomPolicy(Space, new Random(1));
        var action = new float[3];
        var first = new List<float>();
        for (int i = 0; i < 20_000; i++)
        {
            policy.Act([], action);
            Assert.True(Space.Contains(action), string.Join(",", action));
            first.Add(action[0]);
        }
        Assert.Equal(0.0, first.Average(), 1);                    // mean of U(-2, 2)
        Assert.Equal(16.0 / 12, first.Select(x => (double)x * x).Average(), 1); // variance of U(-2, 2)
        Assert.InRange(first.Count(x => x > 1f) / 20_000.0, 0.23, 0.27);
    }

    [Fact]
    public void Act_IsReproducible_ForTheSameSeed()
    {
        float[] Draw(int seed)
        {
            var p = new UniformRandomPolicy(Space, new Random(seed));
            var a = new float[3];
            return Enumerable.Range(0, 10).SelectMany(_ => { p.Act([], a); return a.ToArray(); }).ToArray();
        }

        Assert.Equal(Draw(4), Draw(4));
        Assert.NotEqual(Draw(4), Draw(5));
    }

    [Fact]
    public void Act_AllocatesNothing()
    {
        var policy = new UniformRandomPolicy(Space, new Random(2));
        var action = new float[3];
        policy.Act([], action);
        Action window = () => { for (int i = 0; i < 1000; i++) policy.Act([], action); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }

    [Fact]
    public void Constructor_RejectsUnboundedActionSpaces() =>
        Assert.Throws<ArgumentException>(() => new UniformRandomPolicy(new BoxSpace([float.NegativeInfinity], [1f], ["u"]), new Random(0)));
}
