using Robotics.Core.Episodes;
using Robotics.Tests.Support;

namespace Robotics.Core.Tests.Episodes;

/// <summary>The episode in progress written in chunks (part files), and folders that already hold episodes.</summary>
public sealed class EpisodePartsTests : IDisposable
{
    private readonly TempDirectory _tmp = new();
    private static readonly EpisodeWriterOptions Fast = new() { Durable = false };

    public void Dispose() => _tmp.Dispose();

    private static IReadOnlyList<Transition> Rows(Episode e, int from, int to) => e.Transitions.Skip(from).Take(to - from).ToList();

    [Fact]
    public void Parts_AreEachReadable_AndTogetherHoldTheEpisodeInStepOrder()
    {
        var e = SampleEpisodes.Make(4, 25, seed: 3);
        using var writer = new EpisodeWriter(_tmp.Path, Fast);
        writer.WritePart(4, 0, Rows(e, 0, 10));
        writer.WritePart(4, 1, Rows(e, 10, 20));

        Assert.Equal(["episode-000004.part-000000.parquet", "episode-000004.part-000001.parquet"],
            EpisodeFiles.List(_tmp.Path).Select(Path.GetFileName));
        SampleEpisodes.AssertEqual(Rows(e, 0, 20), EpisodeReader.ReadDirectory(_tmp.Path));
        Assert.Equal([4L], EpisodeReader.ReadEpisodes(_tmp.Path).Select(x => x.Id));
    }

    [Fact]
    public void FinishedEpisode_ReplacesItsParts()
    {
        var e = SampleEpisodes.Make(2, 12, seed: 1);
        using var writer = new EpisodeWriter(_tmp.Path, Fast);
        writer.WritePart(2, 0, Rows(e, 0, 5));
        writer.WritePart(2, 1, Rows(e, 5, 9));

        writer.WriteEpisode(e);

        Assert.Equal(["episode-000002.parquet"], Directory.GetFiles(_tmp.Path).Select(Path.GetFileName));
        SampleEpisodes.AssertEqual(e.Transitions, EpisodeReader.ReadDirectory(_tmp.Path));
    }

    [Fact]
    public void RewritingAPart_ReplacesIt()
    {
        var e = SampleEpisodes.Make(0, 8);
        using var writer = new EpisodeWriter(_tmp.Path, Fast);
        writer.WritePart(0, 0, Rows(e, 0, 3));
        writer.WritePart(0, 0, Rows(e, 0, 6));

        SampleEpisodes.AssertEqual(Rows(e, 0, 6), EpisodeReader.ReadDirectory(_tmp.Path));
    }

    [Fact]
    public void OpeningAWriter_DeletesPartsOfEpisodesWhoseFileExists_AndKeepsOrphanParts()
    {
        var done = SampleEpisodes.Make(0, 6, seed: 1);
        var cut = SampleEpisodes.Make(1, 6, seed: 2);
        using (var first = new EpisodeWriter(_tmp.Path, Fast))
        {
            first.WriteEpisode(done);
            first.WritePart(1, 0, Rows(cut, 0, 4));
        }
        // A crash between the finished file's rename and the deletion of its parts leaves both.
        File.Copy(Path.Combine(_tmp.Path, EpisodeFiles.PartFileName(1, 0)), Path.Combine(_tmp.Path, EpisodeFiles.PartFileName(0, 0)));

        using var second = new EpisodeWriter(_tmp.Path, Fast);

        Assert.Equal(["episode-000000.parquet", "episode-000001.part-000000.parquet"],
            EpisodeFiles.List(_tmp.Path).Select(Path.GetFileName));
        Assert.Equal(2, second.NextEpisodeId);
    }

    [Theory]
    [InlineData(new string[0], 0L)]
    [InlineData(new[] { "episode-000000.parquet", "episode-000001.parquet" }, 2L)]
    [InlineData(new[] { "episode-000003.parquet", "episode-000007.part-000002.parquet", "notes.parquet", "episode-x.parquet" }, 8L)]
    public void NextId_IsOnePastTheHighestEpisodeOrPartInTheFolder(string[] names, long expected)
    {
        foreach (string n in names) File.WriteAllBytes(Path.Combine(_tmp.Path, n), []);
        Assert.Equal(expected, EpisodeFiles.NextId(_tmp.Path));
    }

    [Fact]
    public void TryParse_ReadsIdsAndParts()
    {
        Assert.True(EpisodeFiles.TryParse("episode-000012.parquet", out long id, out int part));
        Assert.Equal((12L, -1), (id, part));
        Assert.True(EpisodeFiles.TryParse("episode-000012.part-000003.parquet", out id, out part));
        Assert.Equal((12L, 3), (id, part));
        Assert.False(EpisodeFiles.TryParse(".episode-000012.parquet.77.tmp", out _, out _));
        Assert.False(EpisodeFiles.TryParse("episode--1.parquet", out _, out _));
    }

    [Fact]
    public void Hyparquet_ReadsPartFiles_WithIdenticalValues()
    {
        var e = SampleEpisodes.Make(5, 30, seed: 9);
        using (var writer = new EpisodeWriter(_tmp.Path))
        {
            writer.WritePart(5, 0, Rows(e, 0, 11));
            writer.WritePart(5, 1, Rows(e, 11, 30));
        }

        using var json = Hyparquet.Read(_tmp.Path);

        var rows = json.RootElement.GetProperty("files").EnumerateArray().SelectMany(f => f.GetProperty("rows").EnumerateArray()).ToList();
        Assert.Equal(30, rows.Count);
        for (int i = 0; i < rows.Count; i++) HyparquetAssert.RowEquals(e.Transitions[i], rows[i]);
    }
}
