using System.Security.Cryptography;
using Parquet;
using Parquet.Schema;
using Robotics.Core.Episodes;
using Robotics.Tests.Support;

namespace Robotics.Core.Tests.Episodes;

public sealed class EpisodeReaderTests : IDisposable
{
    private readonly TempDirectory _tmp = new();
    private static readonly EpisodeWriterOptions Fast = new() { Durable = false };

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void ReadEpisodes_ReturnsWrittenValuesBitExactly()
    {
        Episode[] episodes = [SampleEpisodes.Make(0, 200, seed: 1), SampleEpisodes.Extremes(1), SampleEpisodes.Make(2, 1, obsDim: 11, actionDim: 4, seed: 2)];
        using (var writer = new EpisodeWriter(_tmp.Path, Fast))
            foreach (var e in episodes) writer.WriteEpisode(e);

        var read = EpisodeReader.ReadEpisodes(_tmp.Path);

        Assert.Equal(episodes.Select(e => e.Id), read.Select(e => e.Id));
        for (int i = 0; i < episodes.Length; i++)
            SampleEpisodes.AssertEqual(episodes[i].Transitions, read[i].Transitions);
        Assert.Equal(episodes[0].Return, read[0].Return);
    }

    [Fact]
    public void ReadDirectory_ReadsFilesInNameOrder_AndIgnoresTemporaryAndOtherFiles()
    {
        using (var writer = new EpisodeWriter(_tmp.Path, Fast))
            foreach (long id in new long[] { 2, 0, 10, 1 }) writer.WriteEpisode(SampleEpisodes.Make(id, 2, seed: (int)id));
        File.WriteAllText(_tmp.Combine(".episode-000003.parquet.4242.tmp"), "half a file");
        File.WriteAllText(_tmp.Combine("notes.txt"), "not an episode");

        var read = EpisodeReader.ReadDirectory(_tmp.Path);

        Assert.Equal(new long[] { 0, 0, 1, 1, 2, 2, 10, 10 }, read.Select(t => t.Episode));
        Assert.Equal(new[] { 0, 1, 0, 1, 0, 1, 0, 1 }, read.Select(t => t.Step));
    }

    [Fact]
    public void ReadDirectory_CarriesEmptyLists()
    {
        var t = new Transition(0, 0, 0.5, [1f, 2f], [], -1f, [3f, 4f], false, true, DataSource.Sim, "r", false);
        using (var writer = new EpisodeWriter(_tmp.Path, Fast))
            writer.WriteEpisode(new Episode(0, [t, t with { Step = 1 }]));

        var read = EpisodeReader.ReadDirectory(_tmp.Path);

        Assert.All(read, r => Assert.Empty(r.Action));
        SampleEpisodes.AssertEqual([t, t with { Step = 1 }], read);
    }

    [Fact]
    public void Digest_IsSha256OfTheParquetBytesInFileNameOrder()
    {
        using (var writer = new EpisodeWriter(_tmp.Path, Fast))
            foreach (long id in new long[] { 1, 0 }) writer.WriteEpisode(SampleEpisodes.Make(id, 20, seed: (int)id));
        File.WriteAllText(_tmp.Combine("ignored.txt"), "x");

        byte[] all = [.. File.ReadAllBytes(_tmp.Combine("episode-000000.parquet")), .. File.ReadAllBytes(_tmp.Combine("episode-000001.parquet"))];

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(all)), EpisodeReader.Digest(_tmp.Path));
    }

    [Fact]
    public void Digest_IsEqualForEqualData_AndChangesWhenAValueChanges()
    {
        string a = _tmp.Combine("a"), b = _tmp.Combine("b"), c = _tmp.Combine("c");
        var episode = SampleEpisodes.Make(0, 30);
        new EpisodeWriter(a, Fast).WriteEpisode(episode);
        new EpisodeWriter(b, Fast).WriteEpisode(episode);
        var changed = episode.Transitions.Select((t, i) => i == 17 ? t with { Reward = t.Reward + 1 } : t).ToList();
        new EpisodeWriter(c, Fast).WriteEpisode(new Episode(0, changed));

        Assert.Equal(EpisodeReader.Digest(a), EpisodeReader.Digest(b));
        Assert.NotEqual(EpisodeReader.Digest(a), EpisodeReader.Digest(c));
        Assert.Matches("^[0-9a-f]{64}$", EpisodeReader.Digest(a));
    }

    [Fact]
    public void ReadMetadata_ReturnsTheWritersFooterMetadata()
    {
        var options = Fast with { Metadata = new Dictionary<string, string> { ["robotics.env"] = "pendulum", ["robotics.seed"] = "0" } };
        new EpisodeWriter(_tmp.Path, options).WriteEpisode(SampleEpisodes.Make(0, 2));

        var metadata = EpisodeReader.ReadMetadata(_tmp.Combine("episode-000000.parquet"));

        Assert.Equal("pendulum", metadata["robotics.env"]);
        Assert.Equal("0", metadata["robotics.seed"]);
    }

    [Fact]
    public void ReadFile_ThrowsInvalidData_NamingTheFile_WhenFileIsTruncated()
    {
        new EpisodeWriter(_tmp.Path, Fast).WriteEpisode(SampleEpisodes.Make(0, 100));
        string path = _tmp.Combine("episode-000000.parquet");
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<InvalidDataException>(() => EpisodeReader.ReadDirectory(_tmp.Path));
        Assert.Contains("episode-000000.parquet", e.Message);
    }

    [Fact]
    public async Task ReadFile_ThrowsInvalidData_WhenAColumnIsMissingOrMistyped()
    {
        string missing = _tmp.Combine("missing.parquet"), mistyped = _tmp.Combine("mistyped.parquet");
        await WriteSingleColumn(missing, new DataField<long>(EpisodeSchema.Episode, false), new long[] { 1 });
        await WriteSingleColumn(mistyped, new DataField<int>(EpisodeSchema.Episode, false), new[] { 1 });

        Assert.Contains("missing column 'step'", Assert.Throws<InvalidDataException>(() => EpisodeReader.ReadFile(missing)).Message);
        Assert.Contains("column 'episode' is not a Int64", Assert.Throws<InvalidDataException>(() => EpisodeReader.ReadFile(mistyped)).Message);
    }

    [Fact]
    public void ReadDirectory_Throws_WhenDirectoryDoesNotExist() =>
        Assert.Throws<DirectoryNotFoundException>(() => EpisodeReader.ReadDirectory(_tmp.Combine("nope")));

    private static async Task WriteSingleColumn<T>(string path, DataField<T> field, T[] values) where T : struct
    {
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<T>(field, values);
    }
}
