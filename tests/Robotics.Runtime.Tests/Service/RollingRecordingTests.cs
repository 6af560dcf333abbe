using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Episodes;
using Robotics.Runtime.Service;
using Robotics.Runtime.Tests.Fakes;

namespace Robotics.Runtime.Tests.Service;

public sealed class RollingRecordingTests
{
    private static Episode Episode(long id, int steps) => new(id, Enumerable.Range(0, steps).Select(i =>
        new Transition(id, i, i * 0.05, [1f, 0f, 0f], [0.5f], -1f, [1f, 0f, 0f], false, i == steps - 1, DataSource.Real, "r7", false)).ToList());

    [Fact]
    public void Recording_KeepsTheNewestFilesWithinRetention_AndNamesRobotAndModelInEveryFile()
    {
        using var dir = new TempDir();
        var a = new ModelIdentity("/m/a.onnx", "policy", "mbpo", new string('a', 64));
        var b = new ModelIdentity("/m/b.onnx", "policy", "mbpo", new string('b', 64));
        using var rec = new RollingRecording(dir.Path, "r7", a, new RecordingOptions { MaxFiles = 3 }, NullLogger.Instance);
        for (long id = 0; id < 4; id++) rec.Write(Episode(id, 20));
        rec.ModelChanged(b);   // a reload inside episode 4
        rec.Write(Episode(4, 20));
        rec.Write(Episode(5, 20));

        var names = Directory.GetFiles(dir.Path, "*.parquet").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["episode-000003.parquet", "episode-000004.parquet", "episode-000005.parquet"], names);
        Assert.Equal(3, rec.FilesDeleted);
        Assert.Equal(60, EpisodeReader.ReadDirectory(dir.Path).Count);
        var m3 = EpisodeReader.ReadMetadata(Path.Combine(dir.Path, "episode-000003.parquet"));
        var m4 = EpisodeReader.ReadMetadata(Path.Combine(dir.Path, "episode-000004.parquet"));
        var m5 = EpisodeReader.ReadMetadata(Path.Combine(dir.Path, "episode-000005.parquet"));
        Assert.Equal(("r7", a.Digest, "policy"), (m3["robot_id"], m3["model_sha256"], m3["model_kind"]));
        Assert.Equal((b.Digest, $"{a.Digest},{b.Digest}"), (m4["model_sha256"], m4["model_sha256_all"]));
        Assert.Equal(b.Digest, m5["model_sha256_all"]);
    }

    [Fact]
    public void Recording_ByteBudget_DeletesOldestButNeverTheNewest()
    {
        using var dir = new TempDir();
        var a = new ModelIdentity("/m/a.onnx", "policy", "mbpo", new string('a', 64));
        using var rec = new RollingRecording(dir.Path, "r7", a, new RecordingOptions { MaxBytes = 1 }, NullLogger.Instance);
        rec.Write(Episode(0, 10));
        rec.Write(Episode(1, 10));
        Assert.Equal(["episode-000001.parquet"], Directory.GetFiles(dir.Path, "*.parquet").Select(Path.GetFileName));
    }
}
