using System.Globalization;
using System.Text.RegularExpressions;
using Robotics.Core.Episodes;
using Robotics.Tests.Support;

namespace Robotics.Trainer.Tests.Collection;

[Collection(ConsoleCollection.Name)]
public sealed partial class CollectCommandTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void Collect_WritesOneParquetFilePerEpisode_AndPrintsASummaryLine()
    {
        string dir = _tmp.Combine("runs", "random");

        var (code, stdout, stderr) = CollectCli.Run("--env", "pendulum", "--episodes", "3", "--policy", "random", "--seed", "0", "--out", dir);

        Assert.True(code == 0, stderr);
        Assert.Equal(["episode-000000.parquet", "episode-000001.parquet", "episode-000002.parquet"],
            EpisodeFiles.List(dir).Select(Path.GetFileName));
        var episodes = EpisodeReader.ReadEpisodes(dir);
        double[] returns = episodes.Select(e => (double)e.Return).ToArray();
        double mean = returns.Average(), std = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / returns.Length);
        string line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("collected 3 episodes (pendulum, random policy, seed 0): 600 transitions, ", line);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"return {mean:F2} ± {std:F2} (mean ± std), 3 files in {dir}, "), line);
        Assert.Matches(@", \d+\.\d s$", line.TrimEnd());
    }

    [Fact]
    public void Collect_ShowsAProgressBar_OnAnInteractiveConsole()
    {
        var (code, stdout, stderr) = CollectCli.Run(interactive: true, "--env", "pendulum", "--episodes", "4", "--out", _tmp.Combine("p"));

        Assert.True(code == 0, stderr);
        Assert.Contains("collect pendulum", stdout);
        Assert.Contains("100%", stdout);
        Assert.Contains("collected 4 episodes", stdout);
    }

    [Fact]
    public void Collect_RecordsPendulumEpisodes_WithGymnasiumSemanticsAndInBoundsRandomActions()
    {
        string dir = _tmp.Combine("out");

        var (code, _, stderr) = CollectCli.Run("--env", "pendulum", "--episodes", "2", "--seed", "3", "--out", dir, "--robot-id", "bench-7");

        Assert.True(code == 0, stderr);
        foreach (var episode in EpisodeReader.ReadEpisodes(dir))
        {
            var rows = episode.Transitions;
            Assert.Equal(Enumerable.Range(0, 200), rows.Select(t => t.Step));
            Assert.All(rows, t => Assert.Equal(t.Step * 0.05, t.Time, 12));
            Assert.Equal(rows.Select((_, i) => i == 199), rows.Select(t => t.Truncated));
            Assert.All(rows, t =>
            {
                Assert.False(t.Terminated);
                Assert.False(t.Vetoed);
                Assert.Equal(DataSource.Sim, t.Source);
                Assert.Equal("bench-7", t.RobotId);
                Assert.InRange(Assert.Single(t.Action), -2f, 2f);
                // Pendulum-v1's reward, recomputed from the recorded observation and action.
                double th = Math.Atan2(t.Obs[1], t.Obs[0]);
                Assert.Equal(-(th * th + 0.1 * t.Obs[2] * t.Obs[2] + 0.001 * t.Action[0] * t.Action[0]), t.Reward, tolerance: 1e-4);
            });
            for (int i = 1; i < rows.Count; i++)
                Assert.Equal(rows[i - 1].NextObs, rows[i].Obs);
        }
        var actions = EpisodeReader.ReadDirectory(dir).Select(t => t.Action[0]).ToArray();
        Assert.True(actions.Min() < -1.8f && actions.Max() > 1.8f, "uniform actions should span the torque range");
        var metadata = EpisodeReader.ReadMetadata(Path.Combine(dir, "episode-000000.parquet"));
        Assert.Equal("pendulum", metadata["robotics.env"]);
        Assert.Equal("random", metadata["robotics.policy"]);
        Assert.Equal("3", metadata["robotics.seed"]);
    }

    [Fact]
    public void Collect_IsReproducible_ForTheSameSeed_AndDiffersForAnother()
    {
        string a = _tmp.Combine("a"), b = _tmp.Combine("b"), c = _tmp.Combine("c");
        foreach (var (dir, seed) in new[] { (a, "5"), (b, "5"), (c, "6") })
            Assert.Equal(0, CollectCli.Run("--env", "pendulum", "--episodes", "2", "--seed", seed, "--out", dir).Code);

        Assert.Equal(EpisodeReader.Digest(a), EpisodeReader.Digest(b));
        Assert.NotEqual(
            EpisodeReader.ReadDirectory(a).Select(t => t.Reward),
            EpisodeReader.ReadDirectory(c).Select(t => t.Reward));
    }

    [Fact]
    public void Collect_FolderIsReadByHyparquet_WithIdenticalValues()
    {
        string dir = _tmp.Combine("random");
        Assert.Equal(0, CollectCli.Run("--env", "pendulum", "--episodes", "3", "--seed", "0", "--out", dir).Code);

        using var json = Hyparquet.Read(dir);

        var rows = json.RootElement.GetProperty("files").EnumerateArray().SelectMany(f => f.GetProperty("rows").EnumerateArray()).ToList();
        var ours = EpisodeReader.ReadDirectory(dir);
        Assert.Equal(600, rows.Count);
        Assert.Equal(ours.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
            HyparquetAssert.RowEquals(ours[i], rows[i]);
    }

    public static TheoryData<string, string[]> BadInput => new()
    {
        { "--env", ["--env", "moon-lander", "--episodes", "2"] },
        { "--episodes", ["--env", "pendulum", "--episodes", "-3"] },
        { "--episodes", ["--env", "pendulum", "--episodes", "0"] },
        { "--episodes", ["--env", "pendulum", "--episodes", "many"] },
        { "--episodes", ["--env", "pendulum"] },
        { "--policy", ["--env", "pendulum", "--episodes", "2", "--policy", "mpc"] },
        { "--robot-id", ["--env", "pendulum", "--episodes", "2", "--robot-id", " "] },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Collect_ExitsWith2AndANamedOneLineError_AndCreatesNothing_ForBadArguments(string argument, string[] args)
    {
        string dir = _tmp.Combine("new", "out");

        var (code, stdout, stderr) = CollectCli.Run([.. args, "--out", dir]);

        AssertUsageError(code, stderr, argument);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(_tmp.Combine("new")), "nothing may be created for bad input");
    }

    [Fact]
    public void Collect_RejectsAnUnwritableOut_UnderProc()
    {
        var (code, _, stderr) = CollectCli.Run("--env", "pendulum", "--episodes", "2", "--out", "/proc/robotics-test/out");

        AssertUsageError(code, stderr, "--out");
        Assert.False(Directory.Exists("/proc/robotics-test"));
    }

    [Fact]
    public void Collect_RejectsAnOutUnderAFile_OrThatIsAFile_LeavingTheFileAlone()
    {
        string file = _tmp.Combine("data.bin");
        File.WriteAllText(file, "keep me");

        var under = CollectCli.Run("--env", "pendulum", "--episodes", "2", "--out", Path.Combine(file, "sub", "dir"));
        var isFile = CollectCli.Run("--env", "pendulum", "--episodes", "2", "--out", file);

        AssertUsageError(under.Code, under.Err, "--out");
        Assert.Contains("under the file", under.Err);
        AssertUsageError(isFile.Code, isFile.Err, "--out");
        Assert.Equal("keep me", File.ReadAllText(file));
        Assert.Equal([file], Directory.GetFileSystemEntries(_tmp.Path));
    }

    [Fact]
    public void Collect_RefusesAnOutThatAlreadyHoldsEpisodes_AndLeavesThemUntouched()
    {
        string dir = _tmp.Combine("existing");
        Assert.Equal(0, CollectCli.Run("--env", "pendulum", "--episodes", "1", "--seed", "1", "--out", dir).Code);
        string digest = EpisodeReader.Digest(dir);

        var (code, _, stderr) = CollectCli.Run("--env", "pendulum", "--episodes", "2", "--seed", "2", "--out", dir);

        AssertUsageError(code, stderr, "--out");
        Assert.Equal(digest, EpisodeReader.Digest(dir));
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void Collect_WithOverwrite_ReplacesTheEpisodesAlreadyInOut()
    {
        string dir = _tmp.Combine("again");
        Assert.Equal(0, CollectCli.Run("--env", "pendulum", "--episodes", "3", "--seed", "1", "--out", dir).Code);
        File.WriteAllText(Path.Combine(dir, "README.txt"), "kept");

        var (code, _, stderr) = CollectCli.Run("--env", "pendulum", "--episodes", "1", "--seed", "2", "--out", dir, "--overwrite");

        Assert.True(code == 0, stderr);
        Assert.Equal(["episode-000000.parquet"], EpisodeFiles.List(dir).Select(Path.GetFileName));
        Assert.Equal("2", EpisodeReader.ReadMetadata(Path.Combine(dir, "episode-000000.parquet"))["robotics.seed"]);
        Assert.True(File.Exists(Path.Combine(dir, "README.txt")));
    }

    [Fact]
    public void Collect_WritesIntoAnExistingEmptyDirectory()
    {
        string dir = _tmp.Combine("empty");
        Directory.CreateDirectory(dir);

        Assert.Equal(0, CollectCli.Run("--env", "pendulum", "--episodes", "1", "--out", dir).Code);

        Assert.Equal(200, EpisodeReader.ReadDirectory(dir).Count);
    }

    private static void AssertUsageError(int code, string stderr, string argument)
    {
        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(argument, line);
    }
}
