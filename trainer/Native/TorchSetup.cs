using System.Runtime.InteropServices;
using TorchSharp;

namespace Robotics.Trainer.Native;

/// <summary>
/// Prepares the process for TorchSharp. <see cref="Prepare"/> (run by this assembly's module initializer, so
/// before any trainer type can touch torch) applies the <see cref="GlibcxxCompat"/> step to the
/// libLibTorchSharp.so this process will load and sets OpenMP to passive waiting (spinning OpenMP workers
/// starve the other processes on a 2-core machine). It must run before libtorch loads: TorchSharp caches a
/// failed load for the life of the process, so one early touch of torch on an unpatched file fails every
/// later use. <see cref="Ensure"/> prepares (reporting a failed preparation) and sets torch's intra-op
/// thread count; every trainer entry point that touches torch calls it first.
/// </summary>
public static partial class TorchSetup
{
    private static readonly Lock Gate = new();
    private static bool _prepared;
    private static bool _threadsDefaulted;
    private static Exception? _prepareFailure;

    [System.Runtime.CompilerServices.ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "must run before any code of this assembly can load libtorch")]
    internal static void OnModuleLoad()
    {
        // A throwing module initializer would make the whole assembly unusable; Prepare recorded the failure and
        // Ensure reports it, with its message, at the first use of torch.
        try { Prepare(); }
        catch (Exception) { }
    }

    /// <summary>
    /// Patches libLibTorchSharp.so where this system's libstdc++ needs it and configures OpenMP; idempotent, and
    /// does not load libtorch. Call it before touching torch from code outside this assembly (a test host, a script).
    /// </summary>
    public static void Prepare()
    {
        lock (Gate)
        {
            if (_prepared) return;
            if (_prepareFailure is not null) throw new InvalidOperationException(_prepareFailure.Message, _prepareFailure);
            try
            {
                // libgomp reads these when libtorch loads; the managed Environment API would not reach native getenv.
                SetNativeEnvironmentDefault("OMP_WAIT_POLICY", "PASSIVE");
                if (OperatingSystem.IsLinux()) PatchLibTorchSharp();
                _prepared = true;
            }
            catch (Exception e)
            {
                _prepareFailure = e;
                throw;
            }
        }
    }

    /// <summary>Prepares (see <see cref="Prepare"/>) and sets torch's thread count (>= 1).</summary>
    public static void Ensure(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Prepare();
        lock (Gate)
        {
            // The first Ensure usually comes before libtorch loads: its thread count sizes libgomp's pool too.
            if (!_threadsDefaulted)
                SetNativeEnvironmentDefault("OMP_NUM_THREADS", threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _threadsDefaulted = true;
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
