using Robotics.Core.Episodes;
using Robotics.Core.Robots;

namespace Robotics.Tests.Support;

/// <summary>Deterministic episodes with awkward values (extremes, negative zero, non-ASCII ids) for store tests.</summary>
public static class SampleEpisodes
{
    public static Episode Make(long id, int steps, int obsDim = 3, int actionDim = 1, int seed = 0,
        DataSource source = DataSource.Sim, string robotId = "pendulum-01")
    {
        var rng = new Random(seed);
        float[] Vector(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        var rows = new List<Transition>(steps);
        float[] obs = Vector(obsDim);
        for (int s = 0; s < steps; s++)
        {
            float[] next = Vector(obsDim);
            rows.Add(new Transition(id, s, s * 0.05 + 1e-9 * s, obs, Vector(actionDim), (float)(-rng.NextDouble() * 16),
                next, Terminated: false, Truncated: s == steps - 1, source, robotId, Vetoed: s % 7 == 3,
                Safety: s % 7 == 3 ? SafetyDecision.Vetoed : s % 5 == 1 ? SafetyDecision.Clamped : SafetyDecision.Ok));
            obs = next;
        }
        return new Episode(id, rows);
    }

    /// <summary>Extreme float/double/int values (max/min, epsilon, infinities, NaN, -0) the store must carry bit-exactly.</summary>
    public static Episode Extremes(long id) => new(id,
    [
        new Transition(id, 0, 0.0, [float.MaxValue, float.MinValue, float.Epsilon], [-0f], float.MinValue,
            [1e-38f, -1e38f, 0.1f], false, false, DataSource.Real, "arm/ü-ß-雅", true, SafetyDecision.EStop),
        new Transition(id, int.MaxValue, double.MaxValue, [float.PositiveInfinity, float.NegativeInfinity, 3.4028e38f], [2f],
            float.MaxValue, [0f, float.NaN, 0f], true, false, DataSource.Real, "", false),
    ]);

    public static void AssertEqual(IReadOnlyList<Transition> expected, IReadOnlyList<Transition> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal(e.Episode, a.Episode);
            Assert.Equal(e.Step, a.Step);
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.Time), BitConverter.DoubleToInt64Bits(a.Time));
            AssertBits(e.Obs, a.Obs);
            AssertBits(e.Action, a.Action);
            Assert.Equal(BitConverter.SingleToInt32Bits(e.Reward), BitConverter.SingleToInt32Bits(a.Reward));
            AssertBits(e.NextObs, a.NextObs);
            Assert.Equal(e.Terminated, a.Terminated);
            Assert.Equal(e.Truncated, a.Truncated);
            Assert.Equal(e.Source, a.Source);
            Assert.Equal(e.RobotId, a.RobotId);
            Assert.Equal(e.Vetoed, a.Vetoed);
            Assert.Equal(e.Safety, a.Safety);
        }
    }

    public static void AssertBits(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
