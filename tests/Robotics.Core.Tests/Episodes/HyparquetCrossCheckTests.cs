using System.Text.Json;
using Robotics.Core.Episodes;
using Robotics.Tests.Support;

namespace Robotics.Core.Tests.Episodes;

/// <summary>The episode store read by hyparquet (node), a Parquet reader that shares no code with ours.</summary>
public sealed class HyparquetCrossCheckTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void Hyparquet_ReadsWrittenEpisodes_WithIdenticalValues()
    {
        Episode[] episodes =
        [
            SampleEpisodes.Make(0, 200, seed: 5),
            SampleEpisodes.Make(1, 3, obsDim: 6, actionDim: 2, seed: 6, source: DataSource.Real, robotId: "arm/ü-雅"),
            SampleEpisodes.Extremes(123456789012),
            new Episode(3, [new Transition(3, 0, 0.25, [1f], [], -0f, [2f], true, false, DataSource.Sim, "empty-action", false)]),
        ];
        using (var writer = new EpisodeWriter(_tmp.Path))
            foreach (var e in episodes) writer.WriteEpisode(e);

        using var json = Hyparquet.Read(_tmp.Path);

        var files = json.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(EpisodeFiles.List(_tmp.Path).Select(Path.GetFileName), files.Select(f => f.GetProperty("name").GetString()));
        var expected = episodes.OrderBy(e => EpisodeFiles.FileName(e.Id), StringComparer.Ordinal).SelectMany(e => e.Transitions).ToList();
        var rows = files.SelectMany(f => f.GetProperty("rows").EnumerateArray()).ToList();
        Assert.Equal(expected.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
            HyparquetAssert.RowEquals(expected[i], rows[i]);
    }

    [Fact]
    public void Hyparquet_SeesTheContractColumnNamesAndParquetTypes()
    {
        new EpisodeWriter(_tmp.Path).WriteEpisode(SampleEpisodes.Make(0, 4));

        using var json = Hyparquet.Read(_tmp.Path);

        var schema = json.RootElement.GetProperty("files")[0].GetProperty("schema").EnumerateArray()
            .Select(e => string.Join(" ", new[] { "name", "type", "repetition_type", "logical_type" }
                .Select(k => e.GetProperty(k).ValueKind == JsonValueKind.Null ? "-" : e.GetProperty(k).GetString())))
            .ToList();
        string[] list = ["OPTIONAL LIST", "list - REPEATED -", "element FLOAT REQUIRED -"];
        string[] expected =
        [
            "root - - -",
            "episode INT64 REQUIRED INTEGER",
            "step INT32 REQUIRED INTEGER",
            "time DOUBLE REQUIRED -",
            $"obs - {list[0]}", list[1], list[2],
            $"action - {list[0]}", list[1], list[2],
            "reward FLOAT REQUIRED -",
            $"next_obs - {list[0]}", list[1], list[2],
            "terminated BOOLEAN REQUIRED -",
            "truncated BOOLEAN REQUIRED -",
            "source BYTE_ARRAY REQUIRED STRING",
            "robot_id BYTE_ARRAY REQUIRED STRING",
            "vetoed BOOLEAN REQUIRED -",
            "safety BYTE_ARRAY REQUIRED STRING",
            $"proposed - {list[0]}", list[1], list[2],   // the planner's action before the gate (optional: older files lack it)
        ];
        Assert.Equal(expected, schema);
    }

    [Fact]
    public void Hyparquet_SeesTheWritersFooterMetadata()
    {
        var options = new EpisodeWriterOptions { Metadata = new Dictionary<string, string> { ["robotics.env"] = "pendulum" } };
        new EpisodeWriter(_tmp.Path, options).WriteEpisode(SampleEpisodes.Make(0, 1));

        using var json = Hyparquet.Read(_tmp.Path);

        Assert.Equal("pendulum", json.RootElement.GetProperty("files")[0].GetProperty("metadata").GetProperty("robotics.env").GetString());
    }
}
