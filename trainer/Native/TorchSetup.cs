using System.Runtime.InteropServices;
using TorchSharp;

namespace Robotics.Trainer.Native;

/// <summary>
/// Prepares the process for TorchSharp; every trainer entry point that touches torch calls
/// <see cref="Ensure"/> first. The first call (before libtorch is loaded) applies the
/// <see cref="GlibcxxCompat"/> step to the libLibTorchSharp.so this process will load, and sets OpenMP to
/// passive waiting (spinning OpenMP workers starve the other processes on a 2-core machine). Every call
/// sets torch's intra-op thread count.
/// </summary>
public static partial class TorchSetup
{
    private static readonly Lock Gate = new();
    private static bool _prepared;

    /// <summary>Patches, configures OpenMP and sets torch's thread count (>= 1).</summary>
    public static void Ensure(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        lock (Gate)
        {
            if (!_prepared)
            {
                // libgomp reads these when libtorch loads; the managed Environment API would not reach native getenv.
                SetNativeEnvironmentDefault("OMP_WAIT_POLICY", "PASSIVE");
                SetNativeEnvironmentDefault("OMP_NUM_THREADS", threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (OperatingSystem.IsLinux()) PatchLibTorchSharp();
                _prepared = true;
            }
            torch.set_num_threads(threads);
        }
    }

    /// <summary>The copies TorchSharp may load: the app's runtimes/ tree (dotnet run, dotnet test) or its base directory (RID-specific publish).</summary>
    internal static IEnumerable<string> LibTorchSharpCandidates(string baseDirectory) =>
        new[] { Path.Combine(baseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
                Path.Combine(baseDirectory, "libLibTorchSharp.so") }.Where(File.Exists);

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void PatchLibTorchSharp()
    {
        var system = GlibcxxCompat.SystemVersions();
        if (system.Contains(GlibcxxCompat.RequiredVersion)) return;
        var files = LibTorchSharpCandidates(AppContext.BaseDirectory).ToList();
        if (files.Count == 0)
            throw new InvalidOperationException(
                $"this system's libstdc++ lacks {GlibcxxCompat.RequiredVersion} and no libLibTorchSharp.so was found under {AppContext.BaseDirectory} to make compatible");
        foreach (string f in files)
        {
            try { GlibcxxCompat.Apply(f, system); }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                throw new InvalidOperationException(
                    $"cannot make {f} loadable on this system's libstdc++ (needs write access once): {e.Message}", e);
            }
        }
    }

    private static void SetNativeEnvironmentDefault(string name, string value)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))) return;
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows() && SetEnv(name, value, 0) != 0)
            throw new InvalidOperationException($"setenv({name}) failed");
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
