using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Drivers.Diagnostics;
using Robotics.Sim.Environments;

namespace Robotics.Sim.Serve;

/// <summary>
/// Any environment as a robot behind a wire protocol, for hardware-in-the-loop tests. In real time it
/// steps every control period with the latest command while that command's ttl lasts, and with the safe
/// action otherwise; in lock-step it steps once per command that answers its current state. While its
/// e-stop is engaged it applies only the safe action. Episode semantics follow <see cref="IRobotDriver"/>:
/// after a terminated/truncated state the next command resets the environment and is not applied.
/// It also measures state -> command latency: from publishing a state to the first command answering it.
/// </summary>
public sealed class VirtualRobot : IRobotServerHandler
{
    private readonly IEnvironment _env;
    private readonly VirtualRobotOptions _options;
    private readonly IRobotServerTransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _commandArrived = new(0);
    private readonly StateBuffer _state;
    private readonly CommandBuffer _command;
    private readonly float[] _action;
    private readonly float[] _safe;
    private long _commandArrival;
    private bool _haveCommand, _commandExpired;
    private long _publishedSeq, _publishedAt;
    private bool _awaitingAnswer;
    private bool _episodeDone;
    private volatile bool _estop;
    private volatile bool _statusDirty;
    private long _start;

    public VirtualRobot(IEnvironment env, VirtualRobotOptions options, IRobotServerTransport transport, TimeProvider time, ILogger logger)
    {
        _env = env;
        _options = options.Validate();
        _transport = transport;
        _time = time;
        _logger = logger;
        Spec = env.ToSpec(options.RobotId);
        _state = new StateBuffer(env.ObservationSpace.Dimension);
        _command = new CommandBuffer(env.ActionSpace.Dimension);
        _action = new float[env.ActionSpace.Dimension];
        _safe = (float[])env.SafeAction.Clone();
        Latency = new LatencyRecorder(1 << 20, time.TimestampFrequency);
    }

    public RobotSpec Spec { get; }
    public IEnvironment Environment => _env;
    /// <summary>Publish of a state -> arrival of the first command that answers it.</summary>
    public LatencyRecorder Latency { get; }
    public bool EStopEngaged => _estop;
    public long Steps { get; private set; }
    public long Episodes { get; private set; }
    /// <summary>Steps taken with the safe action because no live command was there (ttl ran out or none yet).</summary>
    public long SafeActionSteps { get; private set; }
    /// <summary>Steps taken with the safe action because the e-stop was engaged.</summary>
    public long EStopSteps { get; private set; }
    public long CommandsReceived => Interlocked.Read(ref _commandsReceived);
    private long _commandsReceived;
    /// <summary>Lock-step: commands that did not answer the current state.</summary>
    public long CommandsIgnored { get; private set; }
    /// <summary>The newest command received: the state seq it answered, the gate's decision, the action (a copy) and its ttl.</summary>
    public (long StateSeq, SafetyDecision Safety, float[] Action, int TtlMs) LastCommand
    {
        get { lock (_gate) return (_lastStateSeq, _lastSafety, (float[])_lastAction.Clone(), _command.TtlMs); }
    }
    private long _lastStateSeq = -1;
    private SafetyDecision _lastSafety;
    private float[] _lastAction = [];

    /// <summary>Sequence number of the newest state published.</summary>
    public long StateSeq => Interlocked.Read(ref _publishedSeq);

    public void OnCommand(CommandBuffer command)
    {
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_awaitingAnswer && command.StateSeq == _publishedSeq)
            {
                Latency.Record(now - _publishedAt);
                _awaitingAnswer = false;
            }
            command.Action.AsSpan().CopyTo(_command.Action);
            _command.Seq = command.Seq; _command.StateSeq = command.StateSeq;
            _command.TtlMs = command.TtlMs; _command.Safety = command.Safety;
            _commandArrival = now;
            _lastStateSeq = command.StateSeq; _lastSafety = command.Safety;
            if (_lastAction.Length != command.Action.Length) _lastAction = new float[command.Action.Length];
            command.Action.AsSpan().CopyTo(_lastAction);
            _haveCommand = true;
            _commandExpired = false;
        }
        Interlocked.Increment(ref _commandsReceived);
        if (_options.Lockstep) _commandArrived.Release();
    }

    public void OnEStop(bool engage, string reason)
    {
        if (engage == _estop) return;
        _estop = engage;
        _statusDirty = true;
        if (engage) _logger.LogWarning("virtual robot: e-stop engaged ({Reason}); safe action only", reason);
        else _logger.LogInformation("virtual robot: e-stop released ({Reason})", reason);
    }

    /// <summary>The robot's own e-stop button: latches here and tells the runtime.</summary>
    public ValueTask PressEStopAsync(string reason, CancellationToken ct)
    {
        OnEStop(true, reason);
        return _transport.PublishEStopAsync(true, reason, ct);
    }

    /// <summary>Serves until cancelled (or <see cref="VirtualRobotOptions.MaxEpisodes"/> episodes ended), then stops cleanly.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await _transport.StartAsync(Spec, this, ct);
        _logger.LogInformation("virtual robot '{Id}' ({Env}) serving on {Transport}, {Mode}", Spec.Id, _env.Id, _transport.Description,
            _options.Lockstep ? "lock-step" : $"real time every {(_options.Period ?? _env.ControlPeriod).TotalMilliseconds} ms");
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
                if (!TakeResetCommand()) continue;
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
            else if (_estop) { EStopSteps++; Step(_safe); }
            else Step(_action);
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

    private float[] ChooseRealTimeAction()
    {
        if (_estop) { EStopSteps++; return _safe; }
        lock (_gate)
        {
            if (_haveCommand && _time.GetElapsedTime(_commandArrival).TotalMilliseconds <= _command.TtlMs)
            {
                _command.Action.AsSpan().CopyTo(_action);
                return _action;
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

    private void Step(float[] action)
    {
        var r = _env.Step(action, _state.Obs);
        Steps++;
        _state.Reward = r.Reward;
        _state.Terminated = r.Terminated;
        _state.Truncated = r.Truncated;
        if (r.Done) { _episodeDone = true; Episodes++; }
    }

    private void ResetEpisode()
    {
        _env.Reset(Episodes == 0 ? _options.Seed : null, _state.Obs);
        _state.Reward = 0; _state.Terminated = false; _state.Truncated = false;
        _episodeDone = false;
    }

    private async ValueTask PublishAsync(CancellationToken ct)
    {
        if (_statusDirty)
        {
            _statusDirty = false;
            await _transport.PublishStatusAsync(_estop, ct);
        }
        lock (_gate)
        {
            _state.Seq = _publishedSeq + 1;
            _state.Time = _time.GetElapsedTime(_start).TotalSeconds;
            _publishedSeq = _state.Seq;
            _publishedAt = _time.GetTimestamp();
            _awaitingAnswer = true;
        }
        await _transport.PublishStateAsync(_state, ct);
    }
}
