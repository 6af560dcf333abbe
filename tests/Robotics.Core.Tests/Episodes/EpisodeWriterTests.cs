using Robotics.Core.Episodes;
using Robotics.Tests.Support;

namespace Robotics.Core.Tests.Episodes;

public sealed class EpisodeWriterTests : IDisposable
{
    private readonly TempDirectory _tmp = new();
    private static readonly EpisodeWriterOptions Fast = new() { Durable = false };

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void WriteEpisode_CreatesOneFilePerEpisode_NamedByZeroPaddedId()
    {
        string dir = _tmp.Combine("nested", "store");
        using var writer = new EpisodeWriter(dir);
        writer.WriteEpisode(SampleEpisodes.Make(7, 5));
        writer.WriteEpisode(SampleEpisodes.Make(12, 3));

        Assert.Equal(["episode-000007.parquet", "episode-000012.parquet"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        Assert.Equal(writer.WrittenFiles, EpisodeFiles.List(dir));
    }

    [Fact]
    public void WriteEpisode_LeavesEarlierFilesReadableAndNoPartialFile_WhenWriteFailsMidway()
    {
        string dir = _tmp.Path;
        var good = SampleEpisodes.Make(0, 50);
        new EpisodeWriter(dir, Fast).WriteEpisode(good);
        string? tempSeen = null;
        using var failing = new EpisodeWriter(dir, Fast)
        {
            OpenTemp = path => { tempSeen = path; return new FailingStream(File.Create(path), failAfterBytes: 300); },
        };

        var e = Assert.Throws<IOException>(() => failing.WriteEpisode(SampleEpisodes.Make(1, 50)));

        Assert.Contains("injected", e.Message);
        Assert.NotNull(tempSeen);
        Assert.False(File.Exists(tempSeen), "the temporary file must be removed");
        Assert.Equal(["episode-000000.parquet"], Directory.GetFiles(dir).Select(Path.GetFileName));
        SampleEpisodes.AssertEqual(good.Transitions, EpisodeReader.ReadDirectory(dir));
        Assert.Empty(failing.WrittenFiles);
    }

    [Fact]
    public async Task WriteEpisodeAsync_LeavesNoFile_WhenCancelled()
    {
        using var writer = new EpisodeWriter(_tmp.Path, Fast);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteEpisodeAsync(SampleEpisodes.Make(0, 10), cts.Token));

        Assert.Empty(Directory.GetFiles(_tmp.Path));
    }

    [Fact]
    public void WriteEpisode_Throws_WhenEpisodeFileAlreadyExists_UnlessOverwriteIsSet()
    {
        using (var writer = new EpisodeWriter(_tmp.Path, Fast))
        {
            writer.WriteEpisode(SampleEpisodes.Make(3, 4, seed: 1));
            var e = Assert.Throws<IOException>(() => writer.WriteEpisode(SampleEpisodes.Make(3, 4, seed: 2)));
            Assert.Contains("episode-000003.parquet", e.Message);
        }
        var replacement = SampleEpisodes.Make(3, 6, seed: 3);
        using (var writer = new EpisodeWriter(_tmp.Path, Fast with { Overwrite = true }))
            writer.WriteEpisode(replacement);

        SampleEpisodes.AssertEqual(replacement.Transitions, EpisodeReader.ReadDirectory(_tmp.Path));
        Assert.Single(Directory.GetFiles(_tmp.Path));
    }

    [Fact]
    public void WriteEpisode_RejectsInvalidEpisodes_WithoutWritingAnything()
    {
        using var writer = new EpisodeWriter(_tmp.Path, Fast);
        var ok = SampleEpisodes.Make(1, 3);
        var t0 = ok.Transitions[0];

        Assert.Contains("no transitions", Assert.Throws<ArgumentException>(() => writer.WriteEpisode(new Episode(1, []))).Message);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => writer.WriteEpisode(new Episode(-1, [t0 with { Episode = -1 }]))).Message);
        Assert.Contains("belongs to episode 1", Assert.Throws<ArgumentException>(() => writer.WriteEpisode(new Episode(2, ok.Transitions))).Message);
        Assert.Contains("next_obs", Assert.Throws<ArgumentException>(() => writer.WriteEpisode(new Episode(1, [t0 with { NextObs = [1f] }]))).Message);
        Assert.Contains("sizes differ", Assert.Throws<ArgumentException>(
            () => writer.WriteEpisode(new Episode(1, [t0, ok.Transitions[1] with { Action = [1f, 2f] }]))).Message);
        Assert.Contains("source", Assert.Throws<ArgumentException>(() => writer.WriteEpisode(new Episode(1, [t0 with { Source = (DataSource)9 }]))).Message);

        Assert.Empty(Directory.GetFiles(_tmp.Path));
    }

    [Fact]
    public void Options_RejectEmptyMetadataKeys()
    {
        var options = new EpisodeWriterOptions { Metadata = new Dictionary<string, string> { [" "] = "x" } };
        Assert.Throws<ArgumentException>(() => new EpisodeWriter(_tmp.Path, options));
    }

    [Fact]
    public void WriteEpisode_Throws_AfterDispose()
    {
        var writer = new EpisodeWriter(_tmp.Path, Fast);
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.WriteEpisode(SampleEpisodes.Make(0, 1)));
    }
}
