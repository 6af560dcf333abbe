using Robotics.Trainer.Native;
using TorchSharp;

namespace Robotics.Trainer.Tests.Native;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GlibcxxCompatTests : IDisposable
{
    private static readonly HashSet<string> Debian12 = ["GLIBCXX_3.4", "GLIBCXX_3.4.29", "GLIBCXX_3.4.30", "CXXABI_1.3"];
    private readonly string _dir = Directory.CreateTempSubdirectory("robotics-elf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Symbol 1 is bound to GLIBCXX_3.4.32 (index 4) but not relocated, as in TorchSharp 0.107.0's file.
    private string WriteTorchLike(uint[]? relocated = null, string extraVersion = "GLIBCXX_3.4.30")
    {
        byte[] elf = SyntheticElf.SharedObject(
            [("libc.so.6", ["GLIBC_2.34"]), ("libstdc++.so.6", [extraVersion, "GLIBCXX_3.4.32", "CXXABI_1.3"])],
            symbolVersions: [0, 4, 3, 2],
            relocated: relocated ?? [2, 3]);
        string path = Path.Combine(_dir, "libLibTorchSharp.so");
        File.WriteAllBytes(path, elf);
        return path;
    }

    private static ElfImage.VersionNeed Need(string path, string version) =>
        new ElfImage(File.ReadAllBytes(path), path).VersionNeeds().Single(n => n.Version == version);

    [Fact]
    public void Apply_MarksOnlyThatRequirementWeak_ChangingOneByte_AndKeepsTimestamp()
    {
        string path = WriteTorchLike();
        byte[] before = File.ReadAllBytes(path);
        var stamp = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, stamp);

        Assert.Equal(GlibcxxCompatOutcome.Patched, GlibcxxCompat.Apply(path, Debian12));

        byte[] after = File.ReadAllBytes(path);
        Assert.Equal(before.Length, after.Length);
        Assert.Single(Enumerable.Range(0, before.Length), i => before[i] != after[i]);
        Assert.True(Need(path, "GLIBCXX_3.4.32").IsWeak);
        Assert.False(Need(path, "GLIBCXX_3.4.30").IsWeak);
        Assert.False(Need(path, "GLIBC_2.34").IsWeak);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void Apply_IsIdempotent()
    {
        string path = WriteTorchLike();
        GlibcxxCompat.Apply(path, Debian12);
        byte[] once = File.ReadAllBytes(path);

        Assert.Equal(GlibcxxCompatOutcome.AlreadyWeak, GlibcxxCompat.Apply(path, Debian12));
        Assert.Equal(once, File.ReadAllBytes(path));
    }

    [Fact]
    public void Apply_LeavesFileAlone_WhenSystemLibStdCxxHasVersion()
    {
        string path = WriteTorchLike();
        byte[] before = File.ReadAllBytes(path);

        var outcome = GlibcxxCompat.Apply(path, new HashSet<string>(Debian12) { "GLIBCXX_3.4.31", "GLIBCXX_3.4.32" });

        Assert.Equal(GlibcxxCompatOutcome.SystemHasVersion, outcome);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Apply_ReturnsNotRequired_WhenFileDoesNotNeedVersion()
    {
        string path = Path.Combine(_dir, "libOther.so");
        File.WriteAllBytes(path, SyntheticElf.SharedObject([("libstdc++.so.6", ["GLIBCXX_3.4.30"])], [0, 2], [1]));

        Assert.Equal(GlibcxxCompatOutcome.NotRequired, GlibcxxCompat.Apply(path, Debian12));
    }

    [Fact]
    public void Apply_Refuses_WhenARelocationUsesTheVersion()
    {
        string path = WriteTorchLike(relocated: [1, 2]);
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<InvalidDataException>(() => GlibcxxCompat.Apply(path, Debian12));

        Assert.Contains(path, e.Message);
        Assert.Contains("relocation", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Apply_Refuses_WhenAnotherRequiredVersionIsAlsoMissing()
    {
        string path = WriteTorchLike(extraVersion: "GLIBCXX_3.4.33");

        var e = Assert.Throws<InvalidDataException>(() => GlibcxxCompat.Apply(path, Debian12));

        Assert.Contains("GLIBCXX_3.4.33", e.Message);
    }

    [Theory]
    [InlineData("not an elf at all, just text", "is not an ELF file")]
    [InlineData("\u007fELF truncated", "is not an ELF file")]
    public void Apply_Refuses_FilesThatAreNotElf(string content, string expected)
    {
        string path = Path.Combine(_dir, "bogus.so");
        File.WriteAllText(path, content);

        var e = Assert.Throws<InvalidDataException>(() => GlibcxxCompat.Apply(path, Debian12));

        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Apply_Refuses_TruncatedElf_AndElfWithoutLibStdCxxNeeds()
    {
        string truncated = Path.Combine(_dir, "truncated.so");
        File.WriteAllBytes(truncated, WriteTorchLikeBytes()[..200]);
        Assert.Contains("truncated or corrupt", Assert.Throws<InvalidDataException>(() => GlibcxxCompat.Apply(truncated, Debian12)).Message);

        string plainC = Path.Combine(_dir, "plain.so");
        File.WriteAllBytes(plainC, SyntheticElf.SharedObject([("libc.so.6", ["GLIBC_2.34"])], [0], []));
        Assert.Contains("requires no libstdc++.so.6 versions", Assert.Throws<InvalidDataException>(() => GlibcxxCompat.Apply(plainC, Debian12)).Message);
    }

    private byte[] WriteTorchLikeBytes() => File.ReadAllBytes(WriteTorchLike());

    [Fact]
    public void VersionDefinitions_ReadsLibraryVersions()
    {
        byte[] lib = SyntheticElf.LibraryDefining("libstdc++.so.6", "GLIBCXX_3.4", "GLIBCXX_3.4.30");

        var defs = new ElfImage(lib, "fake").VersionDefinitions();

        Assert.Equal(["GLIBCXX_3.4", "GLIBCXX_3.4.30", "libstdc++.so.6"], defs.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Apply_OnTorchSharpsShippedLibrary_PatchesExactlyTheFlag_WhereSystemLacksVersion()
    {
        string shipped = ShippedLibTorchSharp();
        string copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(shipped, copy);
        var system = GlibcxxCompat.SystemVersions();
        byte[] before = File.ReadAllBytes(copy);

        var outcome = GlibcxxCompat.Apply(copy, system);

        byte[] after = File.ReadAllBytes(copy);
        if (system.Contains(GlibcxxCompat.RequiredVersion))
        {
            Assert.Equal(GlibcxxCompatOutcome.SystemHasVersion, outcome);
            Assert.Equal(before, after);
        }
        else
        {
            Assert.Equal(GlibcxxCompatOutcome.Patched, outcome);
            Assert.Single(Enumerable.Range(0, before.Length), i => before[i] != after[i]);
            Assert.True(Need(copy, GlibcxxCompat.RequiredVersion).IsWeak);
        }
    }

    [Fact]
    public void TorchSetup_MakesTorchSharpLoadInThisProcess()
    {
        TorchSetup.Ensure(1);

        using var x = torch.arange(1, 5, dtype: torch.float32);
        Assert.Equal(10f, x.sum().item<float>());
        foreach (string f in TorchSetup.LibTorchSharpCandidates(AppContext.BaseDirectory))
            Assert.True(GlibcxxCompat.SystemVersions().Contains(GlibcxxCompat.RequiredVersion) || Need(f, GlibcxxCompat.RequiredVersion).IsWeak);
    }

    /// <summary>The untouched file in the NuGet package cache (the build output copy may already be patched).</summary>
    private static string ShippedLibTorchSharp()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string version = typeof(torch).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.107.0";
        string path = Path.Combine(root, "torchsharp", version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp's package is not in the NuGet cache at {path}; run dotnet restore");
        return path;
    }
}
