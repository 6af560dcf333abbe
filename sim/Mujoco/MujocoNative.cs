using System.Runtime.InteropServices;

namespace Robotics.Sim.Mujoco;

/// <summary>Ids of the arrays the shim hands out (keep in step with the enum in Native/mjshim.c).</summary>
internal enum MujocoField
{
    Qpos, Qvel, Ctrl, SensorData, Xpos, Xmat, GeomXpos, Qacc,
    BodyMass, BodyInertia, DofDamping, GeomFriction, ActuatorGainPrm, ActuatorBiasPrm,
    GeomSize, GeomPos, JntRange, ActuatorCtrlRange, Qpos0, ActuatorGear,
    // int arrays
    JntLimited, JntQposAdr, JntDofAdr, JntType, SensorAdr, SensorDim, ActuatorCtrlLimited,
}

/// <summary>MuJoCo object types for name lookups (mjtObj in mjmodel.h).</summary>
public enum MujocoObject
{
    Body = 1, Joint = 3, Geom = 5, Site = 6, Actuator = 18, Sensor = 19,
}

/// <summary>
/// The shim's entry points as unmanaged function pointers (no marshalling, no per-call allocation).
/// The shim (libmjshim.so, built from Native/mjshim.c next to this assembly) links libmujoco; set
/// ROBOTICS_MUJOCO_SHIM to load another build of it. A library that does not load becomes one
/// <see cref="MujocoException"/> line naming it, on first use and on every later use.
/// </summary>
internal static unsafe class MujocoNative
{
    public const string ShimFileName = "libmjshim.so";
    public const string ShimPathVariable = "ROBOTICS_MUJOCO_SHIM";

    private static readonly Lock Gate = new();
    private static bool _loaded;
    private static MujocoException? _failure;

    public static delegate* unmanaged<int> Init;
    public static delegate* unmanaged<byte*> LastError;
    public static delegate* unmanaged<byte*> LastWarning;
    public static delegate* unmanaged<int*> WarningCounter;
    public static delegate* unmanaged<byte*, nint> LoadFile;
    public static delegate* unmanaged<byte*, nint> LoadString;
    public static delegate* unmanaged<nint, void> Free;
    public static delegate* unmanaged<nint, int, int> Step;
    public static delegate* unmanaged<nint, int, int> StepSynced;
    public static delegate* unmanaged<nint, int> Forward;
    public static delegate* unmanaged<nint, int> Reset;
    public static delegate* unmanaged<nint, int> SetConst;
    public static delegate* unmanaged<nint, int, byte*, int> Name2Id;
    public static delegate* unmanaged<nint, double> Time;
    public static delegate* unmanaged<nint, double, void> SetTime;
    public static delegate* unmanaged<nint, double*> Timestep;
    public static delegate* unmanaged<nint, int> Integrator;
    public static delegate* unmanaged<nint, int*, void> Sizes;
    public static delegate* unmanaged<nint, int, int*, void*> Field;
    public static delegate* unmanaged<nint, int, double> BenchCLoop;
    public static delegate* unmanaged<int> SelfTestError;
    public static delegate* unmanaged<void> SelfTestWarning;

    /// <summary>MuJoCo's version as mj_version() reports it (222 for 2.2.2).</summary>
    public static int Version { get; private set; }

    /// <summary>Not real-time. Loads the shim once; throws the same one-line error on every call after a failure.</summary>
    public static void EnsureLoaded()
    {
        if (Volatile.Read(ref _loaded)) return;
        lock (Gate)
        {
            if (_failure is not null) throw _failure;
            if (_loaded) return;
            try { Bind(ShimPath()); }
            catch (MujocoException e) { _failure = e; throw; }
            Volatile.Write(ref _loaded, true);
        }
    }

    /// <summary>Where the shim is loaded from: $ROBOTICS_MUJOCO_SHIM, else next to this assembly.</summary>
    public static string ShimPath() =>
        Environment.GetEnvironmentVariable(ShimPathVariable) is { Length: > 0 } custom
            ? custom
            : Path.Combine(AppContext.BaseDirectory, ShimFileName);

    private static void Bind(string path)
    {
        nint lib;
        try { lib = NativeLibrary.Load(path); }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new MujocoException($"MuJoCo: cannot load {path}: {Reason(e.Message)} (install libmujoco-dev 2.2.2; the sim build compiles the shim)", e);
        }
        Init = (delegate* unmanaged<int>)Export(lib, path, "rs_init");
        LastError = (delegate* unmanaged<byte*>)Export(lib, path, "rs_last_error");
        LastWarning = (delegate* unmanaged<byte*>)Export(lib, path, "rs_last_warning");
        WarningCounter = (delegate* unmanaged<int*>)Export(lib, path, "rs_warning_counter");
        LoadFile = (delegate* unmanaged<byte*, nint>)Export(lib, path, "rs_load_file");
        LoadString = (delegate* unmanaged<byte*, nint>)Export(lib, path, "rs_load_string");
        Free = (delegate* unmanaged<nint, void>)Export(lib, path, "rs_free");
        Step = (delegate* unmanaged<nint, int, int>)Export(lib, path, "rs_step");
        StepSynced = (delegate* unmanaged<nint, int, int>)Export(lib, path, "rs_step_synced");
        Forward = (delegate* unmanaged<nint, int>)Export(lib, path, "rs_forward");
        Reset = (delegate* unmanaged<nint, int>)Export(lib, path, "rs_reset");
        SetConst = (delegate* unmanaged<nint, int>)Export(lib, path, "rs_set_const");
        Name2Id = (delegate* unmanaged<nint, int, byte*, int>)Export(lib, path, "rs_name2id");
        Time = (delegate* unmanaged<nint, double>)Export(lib, path, "rs_time");
        SetTime = (delegate* unmanaged<nint, double, void>)Export(lib, path, "rs_set_time");
        Timestep = (delegate* unmanaged<nint, double*>)Export(lib, path, "rs_timestep");
        Integrator = (delegate* unmanaged<nint, int>)Export(lib, path, "rs_integrator");
        Sizes = (delegate* unmanaged<nint, int*, void>)Export(lib, path, "rs_sizes");
        Field = (delegate* unmanaged<nint, int, int*, void*>)Export(lib, path, "rs_field");
        BenchCLoop = (delegate* unmanaged<nint, int, double>)Export(lib, path, "rs_bench_c_loop");
        SelfTestError = (delegate* unmanaged<int>)Export(lib, path, "rs_selftest_error");
        SelfTestWarning = (delegate* unmanaged<void>)Export(lib, path, "rs_selftest_warning");
        Version = Init();
        if (Version / 100 != 2)
            throw new MujocoException($"MuJoCo: {path} reports MuJoCo version {Version}; the binding is written for 2.x (Debian's 2.2.2)");
    }

    private static nint Export(nint lib, string path, string name) =>
        NativeLibrary.TryGetExport(lib, name, out nint f)
            ? f
            : throw new MujocoException($"MuJoCo: {path} has no export '{name}' (an old or foreign shim; rebuild the sim project)");

    /// <summary>The dynamic linker's message (.NET puts it on the last line, after its own advice), on one line.</summary>
    private static string Reason(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "unknown error" : lines[^1];
    }

    /// <summary>Tests: raises mju_error inside the shim's guard; returns the message the handler kept (no exit).</summary>
    public static string RaiseTestError()
    {
        EnsureLoaded();
        return SelfTestError() < 0 ? Text(LastError()) : throw new InvalidOperationException("mju_error returned normally");
    }

    /// <summary>Tests: raises mju_warning; returns the warning counter after it.</summary>
    public static int RaiseTestWarning()
    {
        EnsureLoaded();
        SelfTestWarning();
        return *WarningCounter();
    }

    public static string Text(byte* s) => s is null ? "" : Marshal.PtrToStringUTF8((nint)s) ?? "";
}
