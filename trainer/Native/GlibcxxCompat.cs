namespace Robotics.Trainer.Native;

/// <summary>What <see cref="GlibcxxCompat.Apply"/> did.</summary>
internal enum GlibcxxCompatOutcome
{
    /// <summary>The system libstdc++ defines the version: nothing to do.</summary>
    SystemHasVersion,
    /// <summary>The file does not require the version (a different TorchSharp build): nothing to do.</summary>
    NotRequired,
    /// <summary>The requirement was already weak (patched before).</summary>
    AlreadyWeak,
    /// <summary>The requirement was marked weak now.</summary>
    Patched,
}

/// <summary>
/// Makes TorchSharp 0.107.0's libLibTorchSharp.so load on Debian 12. The file declares a need for
/// GLIBCXX_3.4.32 (GCC 13's libstdc++) while Debian 12 ships 3.4.30, so the dynamic loader refuses it.
/// The only symbol bound to that version, std::ios_base_library_init, is referenced by no relocation
/// (GCC 13 emits the reference only to pull the iostream initialiser in), so flagging the requirement
/// VER_FLG_WEAK in .gnu.version_r lets glibc's loader accept the file without that version, exactly as
/// it does for weak references by design. The step checks all of that before touching a byte and
/// refuses anything else with a message naming the file.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class GlibcxxCompat
{
    public const string RequiredVersion = "GLIBCXX_3.4.32";
    public const string StdCxxLibrary = "libstdc++.so.6";

    /// <summary>
    /// Marks <see cref="RequiredVersion"/> weak in <paramref name="sharedObject"/> unless
    /// <paramref name="systemVersions"/> (the versions the system libstdc++ defines) already has it.
    /// Idempotent; preserves the file's timestamp so incremental builds do not copy it again.
    /// </summary>
    public static GlibcxxCompatOutcome Apply(string sharedObject, IReadOnlySet<string> systemVersions)
    {
        if (systemVersions.Contains(RequiredVersion)) return GlibcxxCompatOutcome.SystemHasVersion;

        var elf = new ElfImage(File.ReadAllBytes(sharedObject), sharedObject);
        var needs = elf.VersionNeeds().Where(n => n.File == StdCxxLibrary).ToList();
        if (needs.Count == 0)
            throw new InvalidDataException($"{sharedObject} requires no {StdCxxLibrary} versions; expected TorchSharp's libLibTorchSharp.so");

        var missing = needs.Where(n => n.Version != RequiredVersion && !n.IsWeak && !systemVersions.Contains(n.Version)).Select(n => n.Version).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"{sharedObject} also needs {string.Join(", ", missing)}, which this system's {StdCxxLibrary} lacks; " +
                "this compatibility step only handles " + RequiredVersion + " (install a newer libstdc++6)");

        var target = needs.Where(n => n.Version == RequiredVersion).ToList();
        if (target.Count == 0) return GlibcxxCompatOutcome.NotRequired;
        if (target.All(t => t.IsWeak)) return GlibcxxCompatOutcome.AlreadyWeak;

        foreach (var t in target)
        {
            var bound = elf.SymbolsWithVersion(t.Index);
            bound.IntersectWith(elf.RelocatedDynamicSymbols());
            if (bound.Count > 0)
                throw new InvalidDataException(
                    $"{sharedObject}: {bound.Count} relocation(s) use symbols of {RequiredVersion}; marking it weak would not make the library work " +
                    "(install a libstdc++6 that has " + RequiredVersion + ")");
        }

        byte[] bytes = elf.Bytes;
        foreach (var t in target)
        {
            ushort flags = (ushort)(t.Flags | ElfImage.VerFlagWeak);
            bytes[t.FlagsOffset] = (byte)flags;
            bytes[t.FlagsOffset + 1] = (byte)(flags >> 8);
        }
        WriteAtomically(sharedObject, bytes);
        return GlibcxxCompatOutcome.Patched;
    }

    /// <summary>The versions the system libstdc++ defines (read from its .gnu.version_d).</summary>
    public static IReadOnlySet<string> SystemVersions()
    {
        string path = FindSystemLibStdCxx()
            ?? throw new InvalidOperationException($"{StdCxxLibrary} not found; install libstdc++6");
        return new ElfImage(File.ReadAllBytes(path), path).VersionDefinitions();
    }

    /// <summary>The libstdc++ already mapped into this process (the one the loader will bind to), else the first in the usual directories.</summary>
    private static string? FindSystemLibStdCxx()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && line.AsSpan(slash).Contains("/libstdc++.so.6", StringComparison.Ordinal) && File.Exists(line[slash..]))
                    return line[slash..];
            }
        }
        catch (IOException) { } // no procfs: fall back to the directories below
        string[] dirs = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib"];
        return dirs.Select(d => Path.Combine(d, StdCxxLibrary)).FirstOrDefault(File.Exists);
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        DateTime stamp = File.GetLastWriteTimeUtc(path);
        var mode = File.GetUnixFileMode(path);
        string tmp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(tmp, bytes);
        File.SetUnixFileMode(tmp, mode);
        File.SetLastWriteTimeUtc(tmp, stamp);
        File.Move(tmp, path, overwrite: true); // a process that already mapped the old file keeps its inode
    }
}
