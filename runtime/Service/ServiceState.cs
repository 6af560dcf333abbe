using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Runtime.Session;
using Robotics.Safety;

namespace Robotics.Runtime.Service;

/// <summary>
/// What the robot service publishes for the health endpoints, the metrics and the watchdog: its phase, the
/// running session's deployment and driver, the model's identity, reload outcomes and the gate counts of gates a
/// reload retired (so counters never go down). Written by the service (not real-time), read by any thread.
/// </summary>
public sealed class ServiceState(LoopMetrics metrics, EStopLatch estop)
{
    private volatile RobotSession? _session;
    private volatile ModelIdentity? _model;
    private volatile ServicePhase _phase = ServicePhase.Starting;
    private readonly long[] _retiredChecks = new long[SafetyCheckText.Count];
    private readonly long[] _retiredDecisions = new long[5];
    private readonly object _retiredLock = new();
    private long _reloadsOk, _reloadsRefused, _episodes, _robotConnects;

    public LoopMetrics Metrics { get; } = metrics;
    public EStopLatch EStop { get; } = estop;
    public ServicePhase Phase { get => _phase; set => _phase = value; }
    public RobotSession? Session => _session;
    public Deployment? Deployment => _session?.Deployment;
    public RobotSpec? Spec => _session?.Spec;
    public ModelIdentity? Model { get => _model; set => _model = value; }
    /// <summary>The last error that kept the service from the robot (null once running).</summary>
    public string? LastError { get; set; }
    /// <summary>The last hot reload's outcome, one line.</summary>
    public string? LastReload { get; set; }
    public long ReloadsOk => Interlocked.Read(ref _reloadsOk);
    public long ReloadsRefused => Interlocked.Read(ref _reloadsRefused);
    public long Episodes => Interlocked.Read(ref _episodes);
    /// <summary>Times the service got a robot's spec and started driving it.</summary>
    public long RobotConnects => Interlocked.Read(ref _robotConnects);

    public DriverCounters? DriverCounters => (_session?.Driver as IDriverDiagnostics)?.Counters;

    /// <summary>True while the transport is up (MQTT: connected to the broker and the robot says it is online).</summary>
    public bool RobotConnected => _session is { } s && _phase == ServicePhase.Running && s.Driver switch
    {
        Drivers.Mqtt.MqttRobotDriver m => m.IsConnected && m.RobotOnline,
        _ => true,
    };

    internal void Attach(RobotSession? session)
    {
        _session = session;
        if (session is not null) Interlocked.Increment(ref _robotConnects);
    }

    internal void EpisodeDone() => Interlocked.Increment(ref _episodes);
    internal void ReloadDone(bool ok) => Interlocked.Increment(ref ok ? ref _reloadsOk : ref _reloadsRefused);

    /// <summary>Not real-time. Keeps a gate's final counts when a reload retires it.</summary>
    internal void RetireGate(ICommandGate gate)
    {
        SafetyCounts c = gate.Snapshot();
        lock (_retiredLock)
        {
            for (int i = 0; i < _retiredChecks.Length; i++) _retiredChecks[i] += c[(SafetyCheck)i];
            for (int i = 0; i < _retiredDecisions.Length; i++) _retiredDecisions[i] += c[(SafetyDecision)i];
        }
    }

    /// <summary>Not real-time (allocates). Gate counts over the service's life: retired gates plus the current one.</summary>
    public (long[] ByCheck, long[] ByDecision) GateTotals()
    {
        var checks = new long[_retiredChecks.Length];
        var decisions = new long[_retiredDecisions.Length];
        lock (_retiredLock)
        {
            _retiredChecks.CopyTo(checks, 0);
            _retiredDecisions.CopyTo(decisions, 0);
        }
        if (Deployment?.Gate is { } g)
        {
            SafetyCounts c = g.Snapshot();
            for (int i = 0; i < checks.Length; i++) checks[i] += c[(SafetyCheck)i];
            for (int i = 0; i < decisions.Length; i++) decisions[i] += c[(SafetyDecision)i];
        }
        return (checks, decisions);
    }
}
