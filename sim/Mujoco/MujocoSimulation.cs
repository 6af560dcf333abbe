using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Robotics.Sim.Mujoco;

/// <summary>
/// One MuJoCo model and its data (mjModel + mjData) behind the C shim: load MJCF from a file or a string,
/// step, read and write qpos/qvel/ctrl/sensordata as spans over MuJoCo's own arrays, reset. Errors become a
/// one-line <see cref="MujocoException"/> naming the model; MuJoCo's warnings go to the logger. The arrays are
/// MuJoCo's memory: spans stay valid until <see cref="Dispose"/>. Not thread-safe (one loop steps it).
/// </summary>
public sealed unsafe class MujocoSimulation : IDisposable
{
    private readonly ILogger _logger;
    private readonly int* _warnings;
    private nint _sim;
    private int _seenWarnings;

    private MujocoSimulation(nint sim, string name, ILogger? logger)
    {
        _sim = sim;
        Name = name;
        _logger = logger ?? NullLogger.Instance;
        _warnings = MujocoNative.WarningCounter();
        _seenWarnings = *_warnings;
        int* s = stackalloc int[9];
        MujocoNative.Sizes(sim, s);
        Nq = s[0]; Nv = s[1]; Nu = s[2]; Na = s[3]; Nbody = s[4]; Njnt = s[5]; Ngeom = s[6]; Nsensor = s[7]; NsensorData = s[8];
        _qpos = Ptr(MujocoField.Qpos); _qvel = Ptr(MujocoField.Qvel); _ctrl = Ptr(MujocoField.Ctrl);
        _sensor = Ptr(MujocoField.SensorData); _xpos = Ptr(MujocoField.Xpos); _xmat = Ptr(MujocoField.Xmat);
        _geomXpos = Ptr(MujocoField.GeomXpos);
        _timestep = MujocoNative.Timestep(sim);
    }

    private readonly double* _qpos, _qvel, _ctrl, _sensor, _xpos, _xmat, _geomXpos, _timestep;

    /// <summary>The model's file name, or the name given to a model loaded from a string; used in messages.</summary>
    public string Name { get; }
    public int Nq { get; }
    public int Nv { get; }
    public int Nu { get; }
    public int Na { get; }
    public int Nbody { get; }
    public int Njnt { get; }
    public int Ngeom { get; }
    public int Nsensor { get; }
    public int NsensorData { get; }

    /// <summary>MuJoCo's version (mj_version(), 222 for 2.2.2).</summary>
    public static int Version { get { MujocoNative.EnsureLoaded(); return MujocoNative.Version; } }

    /// <summary>Times MuJoCo found a bad qpos/qvel/qacc and reset the state (a diverging simulation).</summary>
    public long InstabilityResets { get; private set; }

    /// <summary>Not real-time. Compiles an MJCF file; throws one line naming <paramref name="path"/> when it does not load.</summary>
    public static MujocoSimulation FromFile(string path, ILogger? logger = null)
    {
        MujocoNative.EnsureLoaded();
        if (!File.Exists(path)) throw new MujocoException($"MuJoCo: model file '{path}' not found");
        nint sim;
        fixed (byte* p = Utf8(path)) sim = MujocoNative.LoadFile(p);
        if (sim == 0) throw new MujocoException($"MuJoCo: cannot load model '{path}': {OneLine(MujocoNative.Text(MujocoNative.LastError()))}");
        return new MujocoSimulation(sim, path, logger);
    }

    /// <summary>Not real-time. Compiles MJCF text; <paramref name="name"/> names it in errors (e.g. the embedded resource).</summary>
    public static MujocoSimulation FromXml(string xml, string name, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        MujocoNative.EnsureLoaded();
        nint sim;
        fixed (byte* p = Utf8(xml)) sim = MujocoNative.LoadString(p);
        if (sim == 0) throw new MujocoException($"MuJoCo: cannot load model '{name}': {OneLine(MujocoNative.Text(MujocoNative.LastError()))}");
        return new MujocoSimulation(sim, name, logger);
    }

    public Span<double> Qpos => new(_qpos, Nq);
    public Span<double> Qvel => new(_qvel, Nv);
    public Span<double> Ctrl => new(_ctrl, Nu);
    public Span<double> SensorData => new(_sensor, NsensorData);
    /// <summary>Body positions, [nbody x 3].</summary>
    public ReadOnlySpan<double> Xpos => new(_xpos, 3 * Nbody);
    /// <summary>Body orientations as row-major 3x3 matrices, [nbody x 9].</summary>
    public ReadOnlySpan<double> Xmat => new(_xmat, 9 * Nbody);
    /// <summary>Geom positions, [ngeom x 3].</summary>
    public ReadOnlySpan<double> GeomXpos => new(_geomXpos, 3 * Ngeom);

    /// <summary>Model arrays that randomisation and tasks change between episodes (call <see cref="SetConst"/> after masses).</summary>
    public Span<double> BodyMass => Doubles(MujocoField.BodyMass);
    public Span<double> BodyInertia => Doubles(MujocoField.BodyInertia);
    public Span<double> DofDamping => Doubles(MujocoField.DofDamping);
    public Span<double> GeomFriction => Doubles(MujocoField.GeomFriction);
    /// <summary>[nu x 10]; entry 0 is a motor's gain.</summary>
    public Span<double> ActuatorGainPrm => Doubles(MujocoField.ActuatorGainPrm);
    public Span<double> GeomSize => Doubles(MujocoField.GeomSize);
    public Span<double> GeomPos => Doubles(MujocoField.GeomPos);
    /// <summary>[njnt x 2], radians for hinges.</summary>
    public ReadOnlySpan<double> JointRange => Doubles(MujocoField.JntRange);
    public ReadOnlySpan<double> ActuatorCtrlRange => Doubles(MujocoField.ActuatorCtrlRange);
    public ReadOnlySpan<int> JointLimited => Ints(MujocoField.JntLimited);
    public ReadOnlySpan<int> JointQposAdr => Ints(MujocoField.JntQposAdr);
    public ReadOnlySpan<int> JointDofAdr => Ints(MujocoField.JntDofAdr);
    /// <summary>mjtJoint: 0 free, 1 ball, 2 slide, 3 hinge.</summary>
    public ReadOnlySpan<int> JointType => Ints(MujocoField.JntType);
    public ReadOnlySpan<int> SensorAdr => Ints(MujocoField.SensorAdr);
    public ReadOnlySpan<int> ActuatorCtrlLimited => Ints(MujocoField.ActuatorCtrlLimited);

    /// <summary>The physics time step (s).</summary>
    public double Timestep { get => *_timestep; set => *_timestep = value; }

    /// <summary>Simulated time (s).</summary>
    public double Time { get => MujocoNative.Time(Handle); set => MujocoNative.SetTime(Handle, value); }

    /// <summary>mjtIntegrator: 0 Euler, 1 RK4, 2 implicit.</summary>
    public int Integrator => MujocoNative.Integrator(Handle);

    /// <summary>Not real-time. The id of a named body, joint, geom, ...; throws naming the model when it is absent.</summary>
    public int Id(MujocoObject type, string name)
    {
        int id;
        fixed (byte* p = Utf8(name)) id = MujocoNative.Name2Id(Handle, (int)type, p);
        GC.KeepAlive(this);
        return id >= 0 ? id : throw new MujocoException($"MuJoCo: model '{Name}' has no {type.ToString().ToLowerInvariant()} named '{name}'");
    }

    /// <summary>Hot path, allocation-free (when MuJoCo stays stable). <paramref name="count"/> plain mj_step calls: MuJoCo's own loop.</summary>
    public void Step(int count = 1) => Check(MujocoNative.Step(Handle, count));

    /// <summary>
    /// Hot path, allocation-free (when MuJoCo stays stable). DeepMind Control's step: <paramref name="count"/>
    /// physics steps after which positions, velocities and sensors agree with the new state (mj_step1), so
    /// rewards and observations read the state after the step.
    /// </summary>
    public void StepSynced(int count = 1) => Check(MujocoNative.StepSynced(Handle, count));

    /// <summary>Recomputes positions, velocities, sensors (mj_forward) after qpos/qvel or the model changed.</summary>
    public void Forward() => Check(MujocoNative.Forward(Handle));

    /// <summary>Back to the model's initial state (mj_resetData) and mj_forward.</summary>
    public void Reset() => Check(MujocoNative.Reset(Handle));

    /// <summary>Not real-time. Recomputes derived model constants (mj_setConst) after masses or inertias changed.</summary>
    public void SetConst() => Check(MujocoNative.SetConst(Handle));

    /// <summary>Not real-time. Times <paramref name="steps"/> mj_step calls in the shim's C loop (s); the benchmark's reference.</summary>
    public double TimeCLoop(int steps)
    {
        double s = MujocoNative.BenchCLoop(Handle, steps);
        GC.KeepAlive(this);
        return s >= 0 ? s : throw Error();
    }

    public void Dispose()
    {
        nint sim = Interlocked.Exchange(ref _sim, 0);
        if (sim != 0) MujocoNative.Free(sim);
        GC.SuppressFinalize(this);
    }

    ~MujocoSimulation()
    {
        nint sim = Interlocked.Exchange(ref _sim, 0);
        if (sim != 0) MujocoNative.Free(sim);
    }

    private nint Handle => _sim != 0 ? _sim : throw new ObjectDisposedException(Name);

    private void Check(int rc)
    {
        GC.KeepAlive(this);
        if (rc == 0 && *_warnings == _seenWarnings) return;
        Report(rc);
    }

    /// <summary>Not real-time: only when MuJoCo raised an error, reset an unstable state or warned.</summary>
    private void Report(int rc)
    {
        if (rc < 0) throw Error();
        if (rc == 1)
        {
            InstabilityResets++;
            _logger.LogWarning("MuJoCo: model '{Model}' became unstable (bad qpos/qvel/qacc) at t = {Time:F3} s; MuJoCo reset its state", Name, Time);
        }
        int seen = *_warnings;
        if (seen != _seenWarnings)
        {
            _logger.LogWarning("MuJoCo warning ({Model}): {Warning}", Name, OneLine(MujocoNative.Text(MujocoNative.LastWarning())));
            _seenWarnings = seen;
        }
    }

    private MujocoException Error() =>
        new($"MuJoCo: error in model '{Name}': {OneLine(MujocoNative.Text(MujocoNative.LastError()))}");

    private double* Ptr(MujocoField f)
    {
        int n;
        return (double*)MujocoNative.Field(_sim, (int)f, &n);
    }

    private Span<double> Doubles(MujocoField f)
    {
        int n;
        void* p = MujocoNative.Field(Handle, (int)f, &n);
        return new Span<double>(p, n);
    }

    private ReadOnlySpan<int> Ints(MujocoField f)
    {
        int n;
        void* p = MujocoNative.Field(Handle, (int)f, &n);
        return new ReadOnlySpan<int>(p, n);
    }

    private static byte[] Utf8(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    private static string OneLine(string s) =>
        string.Join(' ', s.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
