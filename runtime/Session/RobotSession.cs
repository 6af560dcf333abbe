using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Safety;

namespace Robotics.Runtime.Session;

/// <summary>
/// The one deployment path, used by <c>robotics run</c>, <c>robotics demo</c>, <c>serve-runtime</c> and the PETS
/// loop: connect, configure, build the deployment (controller, gate, loop; all checked before any command),
/// activate, run episodes (gate reset at each start, per-episode safety counts, optional recording), release,
/// and a safe stop when an episode is cut short. Stages can be called one by one (the demo builds before its
/// robot is powered) or through <see cref="OpenAsync"/>. Not real-time; the loop inside is.
/// </summary>
public sealed class RobotSession : IAsyncDisposable
{
    private readonly SessionServices _s;
    private readonly bool _ownsDriver;
    private IEpisodeSink? _sink;
    private bool _active, _interrupted, _released;

    private RobotSession(SessionOptions options, SessionServices services, IRobotDriver driver, bool ownsDriver)
    {
        Options = options; _s = services; Driver = driver; _ownsDriver = ownsDriver;
    }

    public SessionOptions Options { get; }
    public IRobotDriver Driver { get; }
    /// <summary>The robot's spec, once configured (or given).</summary>
    public RobotSpec? Spec { get; private set; }
    /// <summary>The controller, gate and loop, once built.</summary>
    public Deployment? Deployment { get; private set; }
    private Deployment Built => Deployment ?? throw new InvalidOperationException("session: Build before running episodes");

    /// <summary>Not real-time. Validates the options and creates the driver (nothing is sent). Bad options or address: <see cref="ArgumentException"/>/<see cref="FormatException"/>.</summary>
    public static RobotSession Connect(SessionOptions options, SessionServices services)
    {
        options.Validate();
        IRobotDriver driver = services.Connect(options.Robot, options.Seed, services.Time, services.Logger, services.EStop);
        return new RobotSession(options, services, driver, ownsDriver: true);
    }

    /// <summary>Not real-time. A session over a driver the caller configured, activates and releases (learning loops).</summary>
    public static RobotSession Attach(SessionOptions options, SessionServices services, IRobotDriver driver, RobotSpec spec)
    {
        options.Validate();
        return new RobotSession(options, services, driver, ownsDriver: false) { Spec = spec, _active = true };
    }

    /// <summary>Not real-time. Connect + configure + build: the usual start.</summary>
    public static async Task<RobotSession> OpenAsync(SessionOptions options, SessionServices services, CancellationToken ct)
    {
        var session = Connect(options, services);
        try
        {
            await session.ConfigureAsync(ct).ConfigureAwait(false);
            session.Build();
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Not real-time. Learns the robot's spec; a deployment built already is checked against it.</summary>
    public async Task<RobotSpec> ConfigureAsync(CancellationToken ct)
    {
        Spec = await Driver.ConfigureAsync(ct).ConfigureAwait(false);
        if (Deployment is { } d)
        {
            ModelCardCheck.EnsureMatches(d.Files.Model.Card, Spec);
            if (d.Files.SafetyModel is { } safety) ModelCardCheck.EnsureMatches(safety.Card, Spec);
        }
        return Spec;
    }

    /// <summary>
    /// Not real-time. Builds the deployment against <paramref name="spec"/> (default: the configured one) and
    /// logs one line saying what drives the robot and which checks guard it.
    /// </summary>
    public Deployment Build(RobotSpec? spec = null)
    {
        spec ??= Spec ?? throw new InvalidOperationException("session: ConfigureAsync (or a spec) before Build");
        Spec ??= spec;
        Deployment = Session.Deployment.Build(Options, Driver, spec, _s);
        if (Options.RecordDir is not null) _sink = new ParquetEpisodeSink(Options.RecordDir);
        _s.Logger.LogInformation("session: {Line}", Describe());
        return Deployment;
    }

    /// <summary>One line: robot, model, controller, gate, pacing.</summary>
    public string Describe()
    {
        Deployment d = Built;
        RobotSpec spec = Spec ?? throw new InvalidOperationException("session: not configured");
        string pacing = !Options.Realtime ? "lock-step" : Options.Pacing == LoopPacing.OnState ? "real time, acting on each state" : "real time, timer-paced";
        string fault = d.FaultWatch is not { } w ? ""
            : w.Calibrating ? $"; fault monitor {Path.GetFileName(w.ModelPath)} CALIBRATING (alpha {w.Alpha:G3}, never alarms)"
            : $"; fault monitor {Path.GetFileName(w.ModelPath)} (alpha {w.Alpha:G3}, threshold {w.Threshold:G4}{(w.Options.EngageEStop ? ", e-stop on alarm" : "")})";
        string gate = Options.Gate == GateKind.PassThrough
            ? "gate PASS-THROUGH (no checks)"
            : $"gate {d.Gate.ActiveChecks}" + (Options.Gate == GateKind.NoVeto ? " (uncertainty veto OFF: recording to calibrate it)" : "") + (d.Predictor is null ? " (no safety predictor: state limits and uncertainty veto off)" : $" with {d.Predictor.Description}");
        return $"robot {spec.Id} ({spec.EnvId}), model {Path.GetFileName(d.Files.Model.Path)} (kind {d.Card.Kind}, algo {d.Card.Algo}): " +
               $"{d.Files.Factory.Describe(d.Card)}; {gate}{fault}; {pacing}";
    }

    /// <summary>Not real-time. Starts the flow of states and commands.</summary>
    public async Task ActivateAsync(CancellationToken ct)
    {
        _ = Built;
        if (_active) return;
        await Driver.ActivateAsync(ct).ConfigureAwait(false);
        _active = true;
    }

    /// <summary>
    /// Not real-time. One episode: resets the gate, runs the loop (recording into the session's sink, or
    /// <paramref name="sink"/>), and returns the report with the gate's counts for that episode. An episode
    /// cut short by cancellation or a failure leaves the session to send the safe action on release.
    /// </summary>
    public async Task<SessionEpisode> RunEpisodeAsync(long episode, CancellationToken ct, IEpisodeSink? sink = null)
    {
        Deployment d = Built;
        if (!_active) throw new InvalidOperationException("session: ActivateAsync before running episodes");
        ICommandGate gate = d.Gate;
        gate.Reset();
        SafetyCounts before = gate.Snapshot();
        _interrupted = true;
        EpisodeReport report = await d.Loop.RunEpisodeAsync(episode, sink ?? _sink, ct).ConfigureAwait(false);
        _interrupted = false;
        // A hot reload mid-episode brought a new gate: its counts are the episode's from the swap on.
        return new SessionEpisode(report, d.Gate == gate ? gate.Snapshot().Since(before) : d.Gate.Snapshot()) { FaultMonitor = d.FaultWatch?.Episode };
    }

    /// <summary>Where recordings go, when recording to a directory.</summary>
    /// <summary>The next episode id of the recording folder (a second --record continues its numbering); 0 when not recording.</summary>
    public long NextEpisodeId => (_sink as ParquetEpisodeSink)?.NextEpisodeId ?? 0;
    public string? RecordDirectory => (_sink as ParquetEpisodeSink)?.Directory;

    /// <summary>
    /// Not real-time. Safe stop and release: after an interrupted episode the robot is sent the safe action
    /// once (the gate's <c>SendSafeAction</c>: never vetoed or held); then the driver is deactivated and shut down (when the session owns it).
    /// </summary>
    public async Task ReleaseAsync()
    {
        if (_released) return;
        _released = true;
        if (_active && _interrupted && Deployment is { } d && Spec is { } spec)
        {
            try
            {
                var state = new StateBuffer(spec.ObservationSpace.Dimension);
                var command = new CommandBuffer(spec.ActionSpace.Dimension) { TtlMs = (int)Math.Ceiling(3 * spec.ControlPeriod.TotalMilliseconds) };
                if (Driver.TryRead(state, long.MinValue))
                {
                    state.ReceivedTimestamp = _s.Time.GetTimestamp();
                    d.Gate.SendSafeAction(state, spec.SafeAction, command);
                    command.StateSeq = state.Seq;
                    command.Seq = d.Loop.Command.Seq + 1;
                    Driver.Write(command);
                    _s.Logger.LogWarning("session: episode cut short; sent the safe action to robot {Robot}", spec.Id);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                _s.Logger.LogWarning("session: could not send the safe action: {Message}", e.Message);
            }
        }
        if (_ownsDriver)
        {
            if (_active) await Driver.DeactivateAsync(CancellationToken.None).ConfigureAwait(false);
            await Driver.ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        }
        _active = false;
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync().ConfigureAwait(false);
        Deployment?.Dispose();
        (_sink as IDisposable)?.Dispose();
        if (_ownsDriver) await Driver.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>One episode as a session reports it: the loop's report and the gate's counts over it.</summary>
public sealed record SessionEpisode(EpisodeReport Report, SafetyCounts Safety)
{
    /// <summary>What the actuator-fault monitor saw over the episode; null when none runs.</summary>
    public FaultMonitor.FaultMonitorEpisode? FaultMonitor { get; init; }
}
