using System.Globalization;
using System.Text.Json;
using Robotics.Core.Episodes;
using Robotics.Core.Robots;

namespace Robotics.Tests.Support;

/// <summary>Assertions on rows printed by tests/js/read-parquet.mjs.</summary>
public static class HyparquetAssert
{
    /// <summary>Compares one hyparquet row with a transition: same column names, bit-identical values.</summary>
    public static void RowEquals(Transition t, JsonElement row)
    {
        Assert.Equal(
            [EpisodeSchema.Episode, EpisodeSchema.Step, EpisodeSchema.Time, EpisodeSchema.Obs, EpisodeSchema.Action, EpisodeSchema.Reward,
             EpisodeSchema.NextObs, EpisodeSchema.Terminated, EpisodeSchema.Truncated, EpisodeSchema.Source, EpisodeSchema.RobotId, EpisodeSchema.Vetoed, EpisodeSchema.Safety,
             EpisodeSchema.Proposed],
            row.EnumerateObject().Select(p => p.Name));
        Assert.Equal(t.Episode, long.Parse(row.GetProperty(EpisodeSchema.Episode).GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(t.Step, row.GetProperty(EpisodeSchema.Step).GetInt32());
        Assert.Equal(BitConverter.DoubleToInt64Bits(t.Time), BitConverter.DoubleToInt64Bits(Double(row.GetProperty(EpisodeSchema.Time))));
        SampleEpisodes.AssertBits(t.Obs, Floats(row.GetProperty(EpisodeSchema.Obs)));
        SampleEpisodes.AssertBits(t.Action, Floats(row.GetProperty(EpisodeSchema.Action)));
        SampleEpisodes.AssertBits([t.Reward], [Float(row.GetProperty(EpisodeSchema.Reward))]);
        SampleEpisodes.AssertBits(t.NextObs, Floats(row.GetProperty(EpisodeSchema.NextObs)));
        Assert.Equal(t.Terminated, row.GetProperty(EpisodeSchema.Terminated).GetBoolean());
        Assert.Equal(t.Truncated, row.GetProperty(EpisodeSchema.Truncated).GetBoolean());
        Assert.Equal(t.Source == DataSource.Sim ? "sim" : "real", row.GetProperty(EpisodeSchema.Source).GetString());
        Assert.Equal(t.RobotId, row.GetProperty(EpisodeSchema.RobotId).GetString());
        Assert.Equal(t.Vetoed, row.GetProperty(EpisodeSchema.Vetoed).GetBoolean());
        Assert.Equal(t.Safety.ToWire(), row.GetProperty(EpisodeSchema.Safety).GetString());
        SampleEpisodes.AssertBits(t.Judged, Floats(row.GetProperty(EpisodeSchema.Proposed)));
    }

    // A float32 widened to double by the reader narrows back exactly; the script prints -0, NaN and
    // infinities as strings because JSON numbers cannot carry them.
    private static float Float(JsonElement e) =>
        (float)Double(e);
    private static double Double(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetDouble();
    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(Float).ToArray();
}
