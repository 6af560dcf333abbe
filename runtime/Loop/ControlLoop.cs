using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Safety;

namespace Robotics.Runtime.Loop;

/// <summary>
/// The one loop that owns a robot: read -> act -> gate -> write -> observe -> record. In real time it acts
/// when a state arrives (the robot's clock paces it; the control period is the deadline), or, for robots that
/// must be polled, once per period on the injected clock (<see cref="LoopPacing.Timer"/>); lock-step robots
/// are answered state by state. Every buffer is allocated here, once; <see cref="Tick"/> allocates nothing.
/// Counts per episode the robot's steps (from its sequence numbers), the states answered, the
/// state -> command delay, plan time and deadline overruns. The driver must already be configured and
/// activated by the caller.
/// <para>
/// Fail safe: a tick whose controller or gate throws sends the safe action (the run ends with a
/// <see cref="ControlFaultException"/> after <see cref="ControlLoopOptions.MaxConsecutiveFaults"/> in a row); in real
/// time a plan past <see cref="ControlLoopOptions.PlanDeadline"/> is replaced by the safe action, and a robot that
/// falls silent for <see cref="ControlLoopOptions.StaleAfter"/> gets the safe action until its states return. All
/// counted (<see cref="Counters"/>, per episode in <see cref="EpisodeReport.Loop"/>).
/// </para>
/// </summary>
public sealed class ControlLoop
{
    private readonly IRobotDriver _driver;
    private readonly RobotSpec _spec;
    // Replaced only between ticks, on the loop's thread (RequestSwap): a model hot reload.
    private IController _controller;
    private ICommandGate _gate;
    private LoopSwap? _swap;
    private readonly ControlLoopOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StateBuffer _state;
    private readonly CommandBuffer _command;
    private readonly float[] _proposed, _prevObs;
    private readonly TransitionRecorder _recorder;
    private readonly LoopTimings _timings;
    private readonly double _periodMs;
    private readonly long _deadlineTicks, _staleTicks, _periodTicks;

    // Run totals (never reset): what the loop sent instead of the controller's plan.
    private long _faults, _deadlineMisses, _staleSent, _safeSent;
    private int _faultStreak;
    private Exception? _lastFault;
    private bool _waitingSafe, _tickFaulted;

    private long _lastSeq = long.MinValue, _prevEpoch;
    private long _lastTickStart, _lastReceived, _robotSteps;
    private double _prevTime, _return, _lastRewardSum;
    private bool _fresh, _pending, _ended, _cut, _partial, _started;
    private SafetyDecision _prevDecision; // what the gate did to the command the next transition records
    private int _steps, _interventions, _answered;
    private long _prevCommandDelay; // real time: state received -> its command written, in timestamp ticks (transition observer)

    public ControlLoop(IRobotDriver driver, RobotSpec spec, IController controller, ICommandGate gate,
                       ControlLoopOptions options, TimeProvider time, ILogger? logger = null)
    {
        _driver = driver;
        _spec = spec.Validate();
        _controller = controller;
        _gate = gate;
        _options = options.Validate();
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        if (controller.ActDim != spec.ActionSpace.Dimension)
            throw new ArgumentException($"control loop: controller acts in {controller.ActDim} dimensions, robot '{spec.Id}' in {spec.ActionSpace.Dimension}");
        int obsDim = spec.ObservationSpace.Dimension, actDim = spec.ActionSpace.Dimension;
        _state = new StateBuffer(obsDim);
        // ttl 0 leaves it to the driver: the robot address's ttl_ms (default 200 ms).
        _command = new CommandBuffer(actDim) { TtlMs = options.CommandTtlMs };
        _proposed = new float[actDim];
        _prevObs = new float[obsDim];
        _recorder = new TransitionRecorder(options.Record ? options.MaxEpisodeSteps : 0, obsDim, actDim);
        _timings = new LoopTimings(options.MaxEpisodeSteps);
        _periodMs = spec.ControlPeriod.TotalMilliseconds;
        TimeSpan deadline = options.PlanDeadline ?? 2 * spec.ControlPeriod;
        _deadlineTicks = !options.Realtime || deadline == Timeout.InfiniteTimeSpan ? long.MaxValue : ToTicks(deadline);
        _staleTicks = ToTicks(options.StaleAfter ?? 3 * spec.ControlPeriod);
        _periodTicks = ToTicks(spec.ControlPeriod);
    }

    private long ToTicks(TimeSpan t) => (long)Math.Ceiling(t.TotalSeconds * _time.TimestampFrequency);

    /// <summary>The loop's counts over its whole life (faults, deadline misses, stale ticks, safe actions it sent).</summary>
    public LoopCounters Counters => new(_faults, _deadlineMisses, _staleSent, _safeSent);
    /// <summary>True while a real-time loop is sending the safe action because the robot went silent.</summary>
    public bool WaitingSafe => _waitingSafe;

    /// <summary>Watches every tick (metrics, health, watchdog); set before the loop runs. Null: none.</summary>
    public ILoopMonitor? Monitor { get; set; }

    /// <summary>Sees every closed transition (the actuator-fault monitor), reset at each episode start; set before the loop runs. Null: none.</summary>
    public ITransitionObserver? TransitionObserver { get; set; }

    /// <summary>The controller acting now (changes when a swap requested by <see cref="RequestSwap"/> is applied).</summary>
    public IController Controller => Volatile.Read(ref _controller);
    /// <summary>The gate vetting commands now.</summary>
    public ICommandGate Gate => Volatile.Read(ref _gate);

    /// <summary>
    /// Not real-time (any thread). Asks the loop to drive with <paramref name="controller"/> behind
    /// <paramref name="gate"/> from its next tick on: the swap happens on the loop's thread between two ticks, so
    /// no tick is skipped and no command leaves without a gate. The new gate's rate limit starts from the last
    /// command sent and the controller is reset. The task completes when the swap is done (it never completes if
    /// the loop does not tick again; callers bound their wait).
    /// </summary>
    public Task RequestSwap(IController controller, ICommandGate gate)
    {
        if (controller.ActDim != _spec.ActionSpace.Dimension)
            throw new ArgumentException($"control loop: controller acts in {controller.ActDim} dimensions, robot '{_spec.Id}' in {_spec.ActionSpace.Dimension}");
        var swap = new LoopSwap(controller, gate);
        if (Interlocked.CompareExchange(ref _swap, swap, null) is not null)
            throw new InvalidOperationException("control loop: a swap is already pending");
        return swap.Done.Task;
    }

    /// <summary>Between ticks, on the loop's thread: takes the pending controller and gate.</summary>
    private void ApplySwap()
    {
        LoopSwap? s = Interlocked.Exchange(ref _swap, null);
        if (s is null) return;
        s.Gate.Reset(_command.Seq > 0 ? _command.Action : default);
        s.Controller.Reset();
        Volatile.Write(ref _controller, s.Controller);
        Volatile.Write(ref _gate, s.Gate);
        s.Done.TrySetResult();
    }

    private sealed class LoopSwap(IController controller, ICommandGate gate)
    {
        public IController Controller { get; } = controller;
        public ICommandGate Gate { get; } = gate;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The latest state the loop read (for console views; read between ticks only).</summary>
    public StateBuffer State => _state;
    /// <summary>The last command written.</summary>
    public CommandBuffer Command => _command;

    /// <summary>
    /// Not real-time. Runs one episode from a fresh state: after a finished episode it first sends the safe
    /// action (through the gate), which makes a simulated robot reset. Hands the recording to
    /// <paramref name="sink"/> when given: a chunked sink also gets the episode in progress every flush
    /// interval, and an episode stopped by cancellation or an error is still handed over whole (its last
    /// transition marked truncated) before the exception goes on.
    /// </summary>
    public async Task<EpisodeReport> RunEpisodeAsync(long episode, IEpisodeSink? sink, CancellationToken ct)
    {
        await StartEpisodeAsync(ct).ConfigureAwait(false);
        LoopCounters before = Counters;
        EpisodeFlusher? flusher = _options.Record && sink is IChunkedEpisodeSink chunked
            ? EpisodeFlusher.Start(_recorder, chunked, episode, _options.Source, _options.RobotId, _time, _logger)
            : null;
        try
        {
            await RunTicksAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            if (flusher is not null) await flusher.StopAsync().ConfigureAwait(false);
            flusher = null;
            SaveInterrupted(episode, sink);
            throw;
        }
        finally
        {
            if (flusher is not null) await flusher.StopAsync().ConfigureAwait(false);
        }
        var report = new EpisodeReport(episode, _steps, _return, _state.Terminated, _state.Truncated || _cut,
            _interventions, _timings.Summarise(), _options.Record ? _recorder.ToEpisode(episode, _options.Source, _options.RobotId) : null)
        {
            RobotSteps = _robotSteps, Answered = _answered, Partial = _partial, Loop = Counters.Since(before),
        };
        if (sink is not null && report.Transitions is { Length: > 0 } e) sink.Write(e);
        _logger.LogDebug("episode {Episode}: {Steps} steps, return {Return:F1}", episode, _steps, _return);
        return report;
    }

    private async Task RunTicksAsync(CancellationToken ct)
    {
        using PeriodicTimer? timer = _options.Realtime && _options.Pacing == LoopPacing.Timer ? new PeriodicTimer(_spec.ControlPeriod, _time) : null;
        long waitStart = _time.GetTimestamp();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            TickStatus s = Tick();
            if (s == TickStatus.EpisodeEnded) break;
            if (s == TickStatus.Failed) ThrowFaulted();
            if (s == TickStatus.Commanded) waitStart = _time.GetTimestamp();
            else if (!_options.Realtime && _time.GetElapsedTime(waitStart) > _options.StateTimeout) ThrowNoState();
            else if (_options.Realtime && _time.GetTimestamp() - waitStart >= _staleTicks)
            {
                SendStaleSafeAction();
                waitStart = _time.GetTimestamp();   // again one interval later while the robot stays silent
            }

            if (timer is not null) await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
            else if (!_options.Realtime)
            {
                if (!await _driver.WaitForStateAsync(_lastSeq, _options.StateTimeout, ct).ConfigureAwait(false)) ThrowNoState();
            }
            else
            {
                // Wait no longer than until the state would be stale; the check above then sends the safe action.
                long left = Math.Max(1, _staleTicks - (_time.GetTimestamp() - waitStart));
                await _driver.WaitForStateAsync(_lastSeq, TimeSpan.FromSeconds((double)left / _time.TimestampFrequency), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Hot path, allocation-free. Writes the command as the answer to the current state and returns when it was written.
    /// The transition observer judges the open transition by the last command written for its state, a late safe action
    /// included, so that command's delay is the one kept (real time only; lock-step robots wait for it).
    /// </summary>
    private long WriteAnswer()
    {
        _command.Seq++;
        _command.StateSeq = _state.Seq;
        _driver.Write(_command);
        long written = _time.GetTimestamp();
        _prevCommandDelay = _options.Realtime && _state.ReceivedTimestamp != 0 ? written - _state.ReceivedTimestamp : 0;
        return written;
    }

    /// <summary>
    /// Not real-time (runs only while the robot is silent). Sends the safe action through the gate, answering the
    /// last state again, and counts a stale tick; the first one of an outage logs a warning.
    /// </summary>
    private void SendStaleSafeAction()
    {
        if (!_waitingSafe)
        {
            _waitingSafe = true;
            _logger.LogWarning("robot '{Id}' sent no state for {Ms:F0} ms (last seq {Seq}): sending the safe action until states return",
                _spec.Id, _time.GetElapsedTime(0, _staleTicks).TotalMilliseconds, _state.Seq);
        }
        _tickFaulted = false;
        SafetyDecision d = ApplySafeAction();
        WriteAnswer();
        ObserveSent(d);
        _staleSent++;
        _safeSent++;
        Monitor?.SafeActionSent(stale: true);
        // The transition still open now ends in what the robot was last told: the safe action.
        if (_pending && !Core.Episodes.Transition.Replaces(_prevDecision))
        {
            if (_prevDecision == SafetyDecision.Ok) _interventions++;
            _prevDecision = SafetyDecision.Fallback;
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowFaulted()
    {
        Exception e = _lastFault!;
        throw new ControlFaultException(
            $"controller '{_controller.GetType().Name}' on robot '{_spec.Id}' failed {_faultStreak} ticks in a row (each answered with the safe action); " +
            $"last error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}", e);
    }

    /// <summary>Not real-time. An episode cut short by a stop or an error: what was recorded goes to the sink, last row truncated.</summary>
    private void SaveInterrupted(long episode, IEpisodeSink? sink)
    {
        if (sink is null || !_options.Record) return;
        // The last command's outcome may already be here (a lock-step robot answers at once): keep it too.
        if (_pending && !_ended && _recorder.Count < _recorder.Capacity && _driver.TryRead(_state, _lastSeq))
        {
            _lastSeq = _state.Seq;
            _recorder.Add(_prevTime, _prevObs, _command.Action, _state.Reward, _state.Obs, _state.Terminated, _state.Truncated, _prevDecision, _command.Proposed);
            _pending = false;
        }
        if (_recorder.Count == 0) return;
        _recorder.TruncateLast();
        // Every answered state whose outcome arrived is a row; only the last answer's may still be on its way.
        _logger.LogWarning("recorder: episode {Episode} stopped after {Answered} answered states; {Count} transitions saved, the last marked truncated",
            episode, _answered, _recorder.Count);
        try { sink.Write(_recorder.ToEpisode(episode, _options.Source, _options.RobotId)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("recorder: interrupted episode {Episode} not saved ({Error}); its parts stay", episode, e.Message);
        }
    }

    /// <summary>
    /// Not real-time. Gets the first state of a new episode and clears per-episode state. A robot whose
    /// latest state ends an episode (left so by this or another loop) is sent the safe action through the
    /// gate first, which makes a simulated robot reset.
    /// </summary>
    public async Task StartEpisodeAsync(CancellationToken ct)
    {
        bool first = !_started;
        _started = true;
        if (_lastSeq == long.MinValue) await ReadNextStateAsync(ct).ConfigureAwait(false);
        // After an episode this loop cut, carry on from the newest state (lock-step robots send none unasked).
        else if (_driver.TryRead(_state, _lastSeq)) _lastSeq = _state.Seq;
        bool reset = false;
        for (int attempt = 0; _state.Terminated || _state.Truncated; attempt++)
        {
            if (attempt > 1) throw new InvalidOperationException($"robot '{_spec.Id}' did not start a new episode after a reset command");
            _gate.SendSafeAction(_state, _spec.SafeAction, _command);
            _command.Seq++;
            _command.StateSeq = _state.Seq;
            _driver.Write(_command);
            await ReadNextStateAsync(ct).ConfigureAwait(false);
            reset = true;
        }
        // A robot numbers its states from 1 for as long as it runs: a first state with a later number means this
        // loop joined an episode already under way, which is reported as partial.
        _partial = first && !reset && _state.Seq > 1;
        _controller.Reset();
        TransitionObserver?.Reset();
        _recorder.Clear();
        _timings.Clear();
        _fresh = true;
        _pending = false;
        _ended = false;
        _cut = false;
        _steps = 0; _interventions = 0; _return = 0; _answered = 0; _robotSteps = 0;
        _lastReceived = _state.Received; _lastRewardSum = _state.RewardSum;
        _lastTickStart = 0;
    }

    /// <summary>
    /// Hot path, real-time, allocation-free. Reads the newest state; records the transition the previous
    /// command produced; unless the episode ended, plans, gates and writes the next command.
    /// </summary>
    public TickStatus Tick()
    {
        if (_ended) return TickStatus.EpisodeEnded;
        long start = _time.GetTimestamp();
        ILoopMonitor? monitor = Monitor;
        monitor?.TickStarted(start);
        if (_swap is not null) ApplySwap();   // between two ticks: a hot reload
        long stepsBefore = _robotSteps;
        if (_fresh) { _fresh = false; stepsBefore--; }   // the episode's first state, read by StartEpisodeAsync
        else
        {
            if (!_driver.TryRead(_state, _lastSeq)) return TickStatus.NoNewState;
            CountRobotSteps();
            _lastSeq = _state.Seq;
            if (_waitingSafe) StatesReturned();
        }

        if (_pending && _state.Epoch != _prevEpoch)
        {
            // The robot restarted (its driver says so): this state does not follow from the last command, so the
            // episode ends at the previous one, cut; the next episode starts from this state.
            _recorder.TruncateLast();
            _pending = false;
            _cut = true;
            _ended = true;
            _logger.LogWarning("robot '{Id}' restarted (state seq {Seq}); episode cut after {Steps} steps", _spec.Id, _state.Seq, _steps);
            return TickStatus.EpisodeEnded;
        }
        if (_pending)
        {
            bool cut = !_state.Terminated && !_state.Truncated && _steps + 1 >= _options.MaxEpisodeSteps;
            if (_options.Record)
                _recorder.Add(_prevTime, _prevObs, _command.Action, _state.Reward, _state.Obs,
                              _state.Terminated, _state.Truncated || cut, _prevDecision, _command.Proposed);
            TransitionObserver?.Observe(_prevObs, _command.Action, _state.Obs, _robotSteps - stepsBefore, _time.GetElapsedTime(0, _prevCommandDelay), _state.CommandOnTime);
            _steps++;
            _pending = false;
            if (_state.Terminated || _state.Truncated || cut)
            {
                _cut = cut;
                _ended = true;
                return TickStatus.EpisodeEnded;
            }
        }

        long planStart = _time.GetTimestamp(), planEnd;
        SafetyDecision d;
        _tickFaulted = false;
        try
        {
            _controller.Act(_state.Obs, _proposed);
            planEnd = _time.GetTimestamp();
            if (planEnd - planStart > _deadlineTicks) d = MissedDeadline();
            else
            {
                _proposed.AsSpan().CopyTo(_command.Proposed);   // the gate overwrites it with what its model checks judged
                d = _gate.Apply(_state, _proposed, _controller.Candidates, _command);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The fault barrier: whatever the controller, its model or the gate throws, this tick answers safe.
            planEnd = _time.GetTimestamp();
            d = Faulted(e);
        }
        long written = WriteAnswer();
        ObserveSent(d);
        _faultStreak = _tickFaulted ? _faultStreak + 1 : 0;
        _answered++;
        if (_state.ReceivedTimestamp != 0) _timings.AddDelay(Ms(_state.ReceivedTimestamp, written));

        _state.Obs.AsSpan().CopyTo(_prevObs);
        _prevTime = _state.Time;
        _prevEpoch = _state.Epoch;
        _prevDecision = d;
        if (d != SafetyDecision.Ok) _interventions++;
        _pending = true;

        long end = _time.GetTimestamp();
        double since = _lastTickStart == 0 ? double.NaN : Ms(_lastTickStart, start);
        monitor?.StateAnswered(_state, _robotSteps - stepsBefore, planEnd - planStart, end - start,
            _lastTickStart == 0 ? 0 : start - _lastTickStart, _periodTicks, d);
        _lastTickStart = start;
        _timings.Add(Ms(planStart, planEnd), Ms(start, end), _periodMs, since);
        return _faultStreak >= _options.MaxConsecutiveFaults ? TickStatus.Failed : TickStatus.Commanded;
    }

    /// <summary>Real-time, allocation-free: the safe action (never vetoed or held by the gate), marked fallback (the gate itself failing included).</summary>
    private SafetyDecision ApplySafeAction()
    {
        try
        {
            _gate.SendSafeAction(_state, _spec.SafeAction, _command);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not the gate's verdict: the robot's own safe action, which needs no checking.
            _spec.SafeAction.AsSpan().CopyTo(_command.Action);
            CountFault(e);
        }
        // A command the loop put the safe action in is a fallback whatever the gate thought of it; nothing else was proposed.
        _spec.SafeAction.AsSpan().CopyTo(_command.Proposed);
        return _command.Safety = SafetyDecision.Fallback;
    }

    /// <summary>Real-time: the plan came too late for the state it answers.</summary>
    private SafetyDecision MissedDeadline()
    {
        _deadlineMisses++;
        _safeSent++;
        Monitor?.SafeActionSent(stale: false);
        return ApplySafeAction();
    }

    /// <summary>Not on the normal path (an exception was thrown): counts, logs the first of a streak, answers safe.</summary>
    private SafetyDecision Faulted(Exception e)
    {
        CountFault(e);
        _safeSent++;
        return ApplySafeAction();
    }

    /// <summary>Not on the normal path. Counts a fault of this tick; logs the first of a streak and every 100th.</summary>
    private void CountFault(Exception e)
    {
        bool first = _faultStreak == 0 && !_tickFaulted;
        _faults++;
        _lastFault = e;
        _tickFaulted = true;
        if (first || _faults % 100 == 0)
            _logger.LogWarning("controller fault on robot '{Id}' at state seq {Seq} ({Count} so far): {Type}: {Message}; sent the safe action",
                _spec.Id, _state.Seq, _faults, e.GetType().Name, e.Message);
    }

    /// <summary>Hot path: tells the controller what was sent; an exception from it is a fault of this tick.</summary>
    private void ObserveSent(SafetyDecision d)
    {
        try
        {
            _controller.Observe(_command.Action, d);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CountFault(e);
        }
    }

    private void StatesReturned()
    {
        _waitingSafe = false;
        _logger.LogWarning("robot '{Id}' sends states again (seq {Seq}): control resumes", _spec.Id, _state.Seq);
    }

    /// <summary>
    /// Hot path. Accounts for the robot's steps since the last state read, including states the loop never
    /// saw (latest wins): the step count from sequence numbers, the rewards from the driver's running sum
    /// when it keeps one, else this state's reward alone.
    /// </summary>
    private void CountRobotSteps()
    {
        _robotSteps += _lastSeq == long.MinValue ? 1 : Math.Max(1, _state.Seq - _lastSeq);
        if (_state.Received > 0 && _lastReceived > 0) _return += _state.RewardSum - _lastRewardSum;
        else _return += _state.Reward;
        _lastReceived = _state.Received;
        _lastRewardSum = _state.RewardSum;
    }

    private async Task ReadNextStateAsync(CancellationToken ct)
    {
        if (!await _driver.WaitForStateAsync(_lastSeq, _options.StateTimeout, ct).ConfigureAwait(false)
            || !_driver.TryRead(_state, _lastSeq))
            ThrowNoState();
        _lastSeq = _state.Seq;
    }

    private double Ms(long from, long to) => _time.GetElapsedTime(from, to).TotalMilliseconds;

    private void ThrowNoState() =>
        throw new TimeoutException($"robot '{_spec.Id}' sent no new state within {_options.StateTimeout.TotalSeconds:0.###} s");
}
