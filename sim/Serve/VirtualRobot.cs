using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Drivers.Diagnostics;
using Robotics.Sim.Environments;

namespace Robotics.Sim.Serve;

/// <summary>
/// Any environment as a robot behind a wire protocol, for hardware-in-the-loop tests, with the safety a real
/// controller board keeps for itself (docs/PROTOCOL.md, the robot as the safety authority): its own safe
/// action; a ttl capped at <see cref="VirtualRobotOptions.MaxTtl"/> and measured from when the answered state
/// was published (or the command's arrival, if that is earlier); a controller lease (one controller session
/// at a time, seq increasing within it; others are dropped and counted); an e-stop latch, optionally kept in
/// a file across restarts, released only by the operator's two steps (release, then re-arm within the
/// release window), after which the action ramps up from the safe action.
/// In real time it steps every control period with the latest live command and with the safe action
/// otherwise; in lock-step it steps once per command that answers its current state. Episode semantics
/// follow <see cref="IRobotDriver"/>: after a terminated/truncated state the next command resets the
/// environment and is not applied. It also measures state -> command latency.
/// </summary>
public sealed class VirtualRobot : IRobotServerHandler
{
    private const int PublishRing = 256;
    private readonly IEnvironment _env;
    private readonly VirtualRobotOptions _options;
    private readonly IRobotServerTransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _commandArrived = new(0);
    private readonly StateBuffer _state;
    private readonly CommandBuffer _command;
    private readonly float[] _action, _safe, _applied, _rampStep;
    private readonly EStopLatch _latch;
    private readonly long[] _publishSeq = new long[PublishRing], _publishTime = new long[PublishRing];
    private long _commandStart;
    private bool _haveCommand, _commandExpired;
    private long _publishedSeq, _publishedAt;
    private bool _awaitingAnswer;
    private bool _episodeDone;
    private volatile bool _statusDirty, _clearRetained;
    private volatile bool _ramping;
    private long _start;
    // The controller lease, guarded by _gate.
    private bool _leaseHeld;
    private ulong _leaseSession;
    private long _leaseSeq, _leaseLast;

    public VirtualRobot(IEnvironment env, VirtualRobotOptions options, IRobotServerTransport transport, TimeProvider time, ILogger logger)
    {
        _env = env;
        _options = options.Validate();
        _transport = transport;
        _time = time;
        _logger = logger;
        Spec = env.ToSpec(options.RobotId);
        int m = env.ActionSpace.Dimension;
        _state = new StateBuffer(env.ObservationSpace.Dimension);
        _command = new CommandBuffer(m);
        _action = new float[m];
        _safe = (float[])env.SafeAction.Clone();
        _applied = (float[])_safe.Clone();
        _rampStep = new float[m];
        for (int i = 0; i < m; i++)
        {
            float range = Spec.ActionSpace.High[i] - Spec.ActionSpace.Low[i];
            _rampStep[i] = options.RearmRampPerStep * (float.IsFinite(range) ? range : 1f);
        }
        _latch = new EStopLatch(time, options.ReleaseWindow, options.EStopFile);
        if (_latch.IsEngaged) _logger.LogWarning("virtual robot: e-stop {Reason}; safe action only until an operator resets it", _latch.Reason);
        Array.Fill(_publishSeq, -1);
        Latency = new LatencyRecorder(1 << 20, time.TimestampFrequency);
    }

    public RobotSpec Spec { get; }
    public IEnvironment Environment => _env;
    /// <summary>Publish of a state -> arrival of the first command that answers it.</summary>
    public LatencyRecorder Latency { get; }
    public bool EStopEngaged => _latch.IsEngaged;
    /// <summary>The robot's latch (stage of a reset, persistence file).</summary>
    public EStopStage EStopStage => _latch.Stage;
    public long Steps { get; private set; }
    public long Episodes { get; private set; }
    /// <summary>Steps taken with the safe action because no live command was there (ttl ran out or none yet).</summary>
    public long SafeActionSteps { get; private set; }
    /// <summary>Steps taken with the safe action because the e-stop was engaged.</summary>
    public long EStopSteps { get; private set; }
    /// <summary>Steps taken with a command's action (ramped or not).</summary>
    public long CommandSteps { get; private set; }
    /// <summary>Steps whose action the re-arm ramp held back.</summary>
    public long RampedSteps { get; private set; }
    public long CommandsReceived => Interlocked.Read(ref _commandsReceived);
    private long _commandsReceived;
    /// <summary>Lock-step: commands that did not answer the current state.</summary>
    public long CommandsIgnored { get; private set; }
    /// <summary>Commands dropped because another controller session held the lease.</summary>
    public long CommandsOtherSession { get; private set; }
    /// <summary>Commands dropped because their seq did not increase within the lease.</summary>
    public long CommandsOutOfOrder { get; private set; }
    /// <summary>Commands whose ttl was above the robot's cap (applied for the cap only).</summary>
    public long TtlCapped { get; private set; }
    /// <summary>Reset steps refused (a re-arm without a live release request).</summary>
    public long EStopRefused { get; private set; }
    /// <summary>The controller session holding the lease; null when none does.</summary>
    public ulong? LeaseHolder { get { lock (_gate) return _leaseHeld ? _leaseSession : null; } }

    /// <summary>Raised after every step with the action applied (valid during the call only), on the robot's stepping thread.</summary>
    public event Action<float[]>? Stepped;

    /// <summary>The newest command received: the state seq it answered, the gate's decision, the action (a copy) and its ttl.</summary>
    public (long StateSeq, SafetyDecision Safety, float[] Action, int TtlMs) LastCommand
    {
        get { lock (_gate) return (_lastStateSeq, _lastSafety, (float[])_lastAction.Clone(), _command.TtlMs); }
    }
    private long _lastStateSeq = -1;
    private bool _onTime; // the step being taken applies the command answering the newest published state (state field on_time)
    private SafetyDecision _lastSafety;
    private float[] _lastAction = [];

    /// <summary>Sequence number of the newest state published.</summary>
    public long StateSeq => Interlocked.Read(ref _publishedSeq);

    public void OnCommand(CommandBuffer command, ulong session)
    {
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            if (!Lease(command, session, now)) return;
            if (_awaitingAnswer && command.StateSeq == _publishedSeq)
            {
                Latency.Record(now - _publishedAt);
                _awaitingAnswer = false;
            }
            command.Action.AsSpan().CopyTo(_command.Action);
            _command.Seq = command.Seq; _command.StateSeq = command.StateSeq;
            _command.TtlMs = Math.Min(command.TtlMs, (int)_options.MaxTtl.TotalMilliseconds);
            if (command.TtlMs > _command.TtlMs) TtlCapped++;
            _command.Safety = command.Safety;
            // ttl runs from the state the command answers when we published it, so a command delayed on the
            // way (or replayed) does not get its ttl afresh.
            int slot = (int)(command.StateSeq & (PublishRing - 1));
            _commandStart = command.StateSeq >= 0 && _publishSeq[slot] == command.StateSeq ? Math.Min(now, _publishTime[slot]) : now;
            _lastStateSeq = command.StateSeq; _lastSafety = command.Safety;
            if (_lastAction.Length != command.Action.Length) _lastAction = new float[command.Action.Length];
            command.Action.AsSpan().CopyTo(_lastAction);
            _haveCommand = true;
            _commandExpired = false;
        }
        Interlocked.Increment(ref _commandsReceived);
        if (_options.Lockstep) _commandArrived.Release();
    }

    /// <summary>Under _gate. True when this session holds (or now takes) the lease and the seq moved on.</summary>
    private bool Lease(CommandBuffer command, ulong session, long now)
    {
        bool expired = _leaseHeld && _time.GetElapsedTime(_leaseLast, now) > _options.LeaseTimeout;
        if (!_leaseHeld || expired)
        {
            if (!_leaseHeld || _leaseSession != session)
                _logger.LogInformation("virtual robot: controller session {Session:x} holds the lease", session);
            _leaseHeld = true; _leaseSession = session; _leaseSeq = long.MinValue;
        }
        else if (session != _leaseSession)
        {
            long n = ++CommandsOtherSession;
            if (n <= 3 || n % 100 == 0)
                _logger.LogWarning("virtual robot: command from controller session {Other:x} dropped; session {Holder:x} holds the lease ({Count} so far)", session, _leaseSession, n);
            return false;
        }
        // An identified controller numbers its commands; serial frames and stock clients (session 0) may restart at 0.
        if (session != 0 && command.Seq <= _leaseSeq) { CommandsOutOfOrder++; return false; }
        _leaseSeq = command.Seq;
        _leaseLast = now;
        return true;
    }

    public void OnControllerOffline()
    {
        lock (_gate)
        {
            if (!_leaseHeld) return;
            _leaseHeld = false;
        }
        _logger.LogInformation("virtual robot: the controller went offline; lease free");
    }

    public void OnEStop(EStopAction action, string reason)
    {
        long now = _time.GetTimestamp();
        switch (action)
        {
            case EStopAction.Engage:
                // A repeat (a retained engage redelivered) leaves the latch as it is; an engage during a reset cancels it.
                if (_latch.Stage == EStopStage.Engaged) return;
                _latch.Engage(reason);
                _ramping = false;
                _statusDirty = true;
                _logger.LogWarning("virtual robot: e-stop engaged ({Reason}); safe action only", reason);
                break;
            case EStopAction.Release:
                if (!_latch.IsEngaged) return;
                _latch.RequestRelease(now);
                _logger.LogWarning("virtual robot: e-stop release requested ({Reason}); re-arm within {Window} s", reason, _options.ReleaseWindow.TotalSeconds);
                break;
            case EStopAction.ReArm:
                if (!_latch.IsEngaged) return;
                if (!_latch.ReArm(now))
                {
                    EStopRefused++;
                    _statusDirty = true; // "estop" again: a runtime that re-armed on the same message latches again
                    _logger.LogWarning("virtual robot: re-arm refused ({Reason}): no release request within {Window} s", reason, _options.ReleaseWindow.TotalSeconds);
                    return;
                }
                lock (_gate)
                {
                    // Motion resumes only with a command that arrives after the re-arm, ramped from the safe action.
                    _haveCommand = false;
                    _safe.AsSpan().CopyTo(_applied);
                }
                _ramping = true;
                _latch.CompleteRelease();
                _clearRetained = true;
                _statusDirty = true;
                _logger.LogWarning("virtual robot: e-stop re-armed ({Reason}); commands ramp from the safe action", reason);
                break;
        }
    }

    /// <summary>The robot's own e-stop button: latches here and tells the runtime.</summary>
    public ValueTask PressEStopAsync(string reason, CancellationToken ct)
    {
        OnEStop(EStopAction.Engage, reason);
        return _transport.PublishEStopAsync(reason, ct);
    }

    /// <summary>Serves until cancelled (or <see cref="VirtualRobotOptions.MaxEpisodes"/> episodes ended), then stops cleanly.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await _transport.StartAsync(Spec, this, ct);
        _logger.LogInformation("virtual robot '{Id}' ({Env}) serving on {Transport}, {Mode}; ttl cap {Cap} ms", Spec.Id, _env.Id, _transport.Description,
            _options.Lockstep ? "lock-step" : $"real time every {(_options.Period ?? _env.ControlPeriod).TotalMilliseconds} ms", _options.MaxTtl.TotalMilliseconds);
        _start = _time.GetTimestamp();
        try
        {
            ResetEpisode();
            await PublishAsync(ct);
            if (_options.Lockstep) await RunLockstepAsync(ct);
            else await RunRealTimeAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            await _transport.StopAsync(CancellationToken.None);
        }
    }

    private async Task RunRealTimeAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.Period ?? _env.ControlPeriod, _time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            if (_episodeDone)
            {
                if (!TakeResetCommand())
                {
                    await PublishControlAsync(ct); // an e-stop change while waiting for a reset is still announced
                    continue;
                }
                ResetEpisode();
            }
            else Step(ChooseRealTimeAction());
            await PublishAsync(ct);
            if (Finished) return;
        }
    }

    private async Task RunLockstepAsync(CancellationToken ct)
    {
        while (true)
        {
            if (!await _commandArrived.WaitAsync(_options.IdleRepublish, ct))
            {
                await PublishControlAsync(ct);
                await _transport.PublishStateAsync(_state, ct); // same seq: harmless for whoever already has it
                continue;
            }
            bool reset;
            lock (_gate)
            {
                if (!_haveCommand) continue;
                _haveCommand = false;
                if (_command.StateSeq != _publishedSeq) { CommandsIgnored++; continue; }
                reset = _episodeDone;
                _command.Action.AsSpan().CopyTo(_action);
            }
            if (reset) ResetEpisode();
            else if (_latch.IsEngaged) { EStopSteps++; _onTime = false; Step(_safe); }
            else { CommandSteps++; _onTime = true; Step(Ramp(_action)); }
            await PublishAsync(ct);
            if (Finished) return;
        }
    }

    private bool Finished => _options.MaxEpisodes > 0 && Episodes >= _options.MaxEpisodes;

    /// <summary>After an episode ended: a command answering the final state starts the next one.</summary>
    private bool TakeResetCommand()
    {
        lock (_gate)
        {
            if (!_haveCommand || _command.StateSeq < _publishedSeq) return false;
            _haveCommand = false;
            return true;
        }
    }

    /// <summary>Also sets <see cref="_onTime"/>: whether the step applies the command answering the newest published state.</summary>
    private float[] ChooseRealTimeAction()
    {
        _onTime = false;
        if (_latch.IsEngaged) { EStopSteps++; return _safe; }
        lock (_gate)
        {
            if (_haveCommand && _time.GetElapsedTime(_commandStart).TotalMilliseconds <= _command.TtlMs)
            {
                _command.Action.AsSpan().CopyTo(_action);
                CommandSteps++;
                // A command that answers an older state arrived after that state's next step: it is applied late.
                _onTime = _command.StateSeq == _publishedSeq;
                return Ramp(_action);
            }
            if (_haveCommand && !_commandExpired)
            {
                _commandExpired = true;
                _logger.LogWarning("virtual robot: command {Seq} expired after {Ttl} ms; safe action", _command.Seq, _command.TtlMs);
            }
        }
        SafeActionSteps++;
        return _safe;
    }

    /// <summary>After a re-arm: moves <paramref name="target"/> (in place) at most one ramp step from the last applied action, until it is reached.</summary>
    private float[] Ramp(float[] target)
    {
        if (!_ramping) return target;
        bool reached = true;
        for (int i = 0; i < target.Length; i++)
        {
            float lo = _applied[i] - _rampStep[i], hi = _applied[i] + _rampStep[i];
            if (target[i] < lo) { target[i] = lo; reached = false; }
            else if (target[i] > hi) { target[i] = hi; reached = false; }
        }
        if (reached) _ramping = false;
        else RampedSteps++;
        return target;
    }

    private void Step(float[] action)
    {
        var r = _env.Step(action, _state.Obs);
        action.AsSpan().CopyTo(_applied);
        Steps++;
        _state.CommandOnTime = _onTime;
        _state.Reward = r.Reward;
        _state.Terminated = r.Terminated;
        _state.Truncated = r.Truncated;
        if (r.Done) { _episodeDone = true; Episodes++; }
        Stepped?.Invoke(_applied);
    }

    private void ResetEpisode()
    {
        _env.Reset(Episodes == 0 ? _options.Seed : null, _state.Obs);
        _state.Reward = 0; _state.Terminated = false; _state.Truncated = false;
        _state.CommandOnTime = false;   // a reset state follows no command
        _episodeDone = false;
    }

    /// <summary>Announces a changed e-stop status and clears a retained engage after a re-arm; also while no states flow.</summary>
    private async ValueTask PublishControlAsync(CancellationToken ct)
    {
        if (_statusDirty)
        {
            _statusDirty = false;
            await _transport.PublishStatusAsync(_latch.IsEngaged, ct);
        }
        if (_clearRetained)
        {
            _clearRetained = false;
            await _transport.ClearEStopAsync(ct);
        }
    }

    private async ValueTask PublishAsync(CancellationToken ct)
    {
        await PublishControlAsync(ct);
        lock (_gate)
        {
            _state.Seq = _publishedSeq + 1;
            _state.Time = _time.GetElapsedTime(_start).TotalSeconds;
            _publishedSeq = _state.Seq;
            _publishedAt = _time.GetTimestamp();
            int slot = (int)(_state.Seq & (PublishRing - 1));
            _publishSeq[slot] = _state.Seq;
            _publishTime[slot] = _publishedAt;
            _awaitingAnswer = true;
        }
        await _transport.PublishStateAsync(_state, ct);
    }
}
