using Robotics.Core.Cli;
using Robotics.Tests.Support;
using Robotics.Trainer.Collection;

namespace Robotics.Trainer.Tests.Collection;

public sealed class OutputDirectoryTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void Rollback_RemovesTheWholeTreeItCreated()
    {
        var output = OutputDirectory.Claim(_tmp.Combine("a", "b", "c"), "--out");
        File.WriteAllText(Path.Combine(output.Path, "episode-000000.parquet"), "x");

        output.Rollback([]);

        Assert.Empty(Directory.GetFileSystemEntries(_tmp.Path));
    }

    [Fact]
    public void Rollback_InAnExistingDirectory_RemovesOnlyTheRunsFiles()
    {
        File.WriteAllText(_tmp.Combine("notes.txt"), "mine");
        var output = OutputDirectory.Claim(_tmp.Path, "--out");
        string written = _tmp.Combine("episode-000000.parquet");
        File.WriteAllText(written, "x");

        output.Rollback([written]);

        Assert.Equal([_tmp.Combine("notes.txt")], Directory.GetFileSystemEntries(_tmp.Path));
    }

    [Fact]
    public void Claim_LeavesNoProbeFileBehind() =>
        Assert.Empty(Directory.GetFileSystemEntries(OutputDirectory.Claim(_tmp.Combine("new"), "--out").Path));

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Claim_RejectsAnEmptyPath_NamingTheOption(string path) =>
        Assert.Contains("--out", Assert.Throws<UsageException>(() => OutputDirectory.Claim(path, "--out")).Message);
}
