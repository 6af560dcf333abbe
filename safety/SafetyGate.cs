// The safety gate: every command passes here before a driver sees it. Checks, in order:
//   1. InputSanity   NaN/Inf or out-of-space observation          -> safe action ("fallback")
//   2. EStop         latched stop engaged                          -> safe action ("estop");
//                    release = explicit request + a state that arrived after it
//   3. Staleness     state older than the timeout (TimeProvider)   -> safe action ("fallback")
//   4. ActionLimits  clamp into the box                            -> "clamped" (NaN action -> "fallback")
//      RateLimit     max change per tick vs the last command sent  -> "clamped"
//   5. ModelOutput   model predicts NaN/Inf -> veto; model throws  -> safe action ("fallback")
//      StateLimits   predicted next state outside the safe set     -> veto
//   6. UncertaintyVeto  D(s, a) > card p99 x factor                -> veto; hysteresis: once on, the
//                    threshold is exit fraction x that and it stays on for at least min ticks
// A veto replaces the action with (VetoFallbackOptions, each choice counted):
//   a. the planner candidate of lowest D (or, by option, the planner's first) that passes 4-6 (one batched Predict) -> "vetoed"
//   b. else the last command that passed 5-6, re-predicted, for at most HoldTicks ticks -> "vetoed"
//      (must pass model output and state limits; its uncertainty is waived for the hold)
//   c. else the safe action                                                          -> "fallback"
// The safe action is never rate-limited.
// Every check that acts is counted and logged (event 6001; inline, or queued and drained off the loop);
// the decision goes to CommandBuffer.Safety.
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Safety.Audit;
using Robotics.Safety.Checks;

namespace Robotics.Safety;

/// <summary>
/// The command gate composed of the checks listed in the file header. Built once per robot with
/// <see cref="Create"/>; <see cref="Apply"/> then allocates nothing. Driven by one control loop thread;
/// counters and the e-stop may be read or engaged from any thread.
/// </summary>
public sealed class SafetyGate : ICommandGate
{
    private readonly float[] _safeAction;
    private readonly int _obsDim, _actDim;
    private readonly ISafetyPredictor? _model;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SafetyEventQueue? _auditQueue;
    private readonly Lock _drainLock = new();

    private readonly InputSanityCheck? _inputSanity;
    private readonly EStopCheck? _estop;
    private readonly StalenessCheck? _staleness;
    private readonly ActionLimitsCheck? _actionLimits;
    private readonly RateLimitCheck? _rateLimit;
    private readonly ModelOutputCheck? _modelOutput;
    private readonly StateLimitsCheck? _stateLimits;
    private readonly UncertaintyVetoCheck? _uncertainty;
    private readonly CheckCounter[] _checks;
    private readonly int _maxCandidates;
    private readonly int _holdTicks;
    private readonly bool _plannerOrder;

    // Buffers allocated once: the action being decided, the last command sent, and model batches.
    private readonly float[] _action, _lastSent, _lastPassed;
    private readonly float[] _obsRows, _actRows, _nextRows, _disRows;
    private readonly bool _useModel;

    private bool _hasLastPassed;
    private int _holdsInRow;

    private long _ticks, _hysteresisVetoes;
    private readonly long[] _byDecision = new long[5];
    private readonly long[] _byVetoChoice = new long[VetoChoiceText.Count];

    private SafetyGate(RobotSpec spec, ISafetyPredictor? model, SafetyGateOptions o, EStopLatch estop, TimeProvider time, ILogger logger)
    {
        Spec = spec;
        EStop = estop;
        _model = model;
        _time = time;
        _logger = logger;
        _obsDim = spec.ObservationSpace.Dimension;
        _actDim = spec.ActionSpace.Dimension;
        _safeAction = (float[])spec.SafeAction.Clone();
        _maxCandidates = o.MaxCandidates;
        _holdTicks = o.Fallback.HoldTicks;
        _plannerOrder = o.Fallback.CandidateOrder == VetoCandidateOrder.PlannerOrder;
        if (o.Audit.Mode == SafetyAuditMode.Queued) _auditQueue = new SafetyEventQueue(o.Audit.QueueCapacity);
        bool on(SafetyCheck c) => o.Enabled.Includes(c);

        if (on(SafetyCheck.InputSanity)) _inputSanity = new InputSanityCheck(spec.ObservationSpace, o.InputSanity);
        if (on(SafetyCheck.EStop)) _estop = new EStopCheck(estop);
        if (on(SafetyCheck.Staleness)) _staleness = new StalenessCheck(o.Staleness ?? StalenessOptions.ForControlPeriod(spec.ControlPeriod), time);
        if (on(SafetyCheck.ActionLimits)) _actionLimits = new ActionLimitsCheck(o.ActionLimits ?? ActionLimitsOptions.From(spec.ActionSpace));
        if (on(SafetyCheck.RateLimit) && o.RateLimit is not null) _rateLimit = new RateLimitCheck(o.RateLimit);
        if (model is not null)
        {
            if (on(SafetyCheck.ModelOutput)) _modelOutput = new ModelOutputCheck();
            if (on(SafetyCheck.StateLimits) && o.StateLimits is not null) _stateLimits = new StateLimitsCheck(o.StateLimits);
            if (on(SafetyCheck.UncertaintyVeto))
                _uncertainty = new UncertaintyVetoCheck(o.Uncertainty, o.Uncertainty.ThresholdFor(model));
        }
        ModelFailure = _modelOutput ?? new ModelOutputCheck();
        _useModel = _modelOutput is not null || _stateLimits is not null || _uncertainty is not null;
        _checks = new CheckCounter?[] { _inputSanity, _estop, _staleness, _actionLimits, _rateLimit, _modelOutput, _stateLimits, _uncertainty }
            .OfType<CheckCounter>().ToArray();
        // Always present so a non-finite action is refused even when the limit checks are disabled.
        NonFiniteAction = _actionLimits ?? (CheckCounter)new ActionLimitsCheck(ActionLimitsOptions.From(spec.ActionSpace));

        _action = new float[_actDim];
        _lastSent = (float[])_safeAction.Clone();
        _lastPassed = new float[_actDim];
        int rows = Math.Max(1, _maxCandidates);
        _obsRows = new float[rows * _obsDim];
        _actRows = new float[rows * _actDim];
        _nextRows = new float[rows * _obsDim];
        _disRows = new float[rows];
    }

    /// <summary>
    /// Not real-time. Builds and validates the gate for <paramref name="spec"/>. <paramref name="model"/>
    /// enables the model checks (state limits, uncertainty veto); without it they are off.
    /// <paramref name="estop"/> defaults to a new latch (see <see cref="EStop"/>), time to the system clock.
    /// Throws <see cref="ArgumentException"/> naming any setting that does not fit.
    /// </summary>
    public static SafetyGate Create(RobotSpec spec, ISafetyPredictor? model = null, SafetyGateOptions? options = null,
                                    EStopLatch? estop = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        options = (options ?? new SafetyGateOptions()).Validate(spec, model);
        logger ??= NullLogger.Instance;
        var gate = new SafetyGate(spec, model, options, estop ?? new EStopLatch(), timeProvider ?? TimeProvider.System, logger);
        SafetyAuditLog.Created(logger, spec.Id, gate.ActiveChecks.ToString(), gate.UncertaintyThreshold);
        return gate;
    }

    public RobotSpec Spec { get; }
    /// <summary>The predictor the model checks use; null when they are off.</summary>
    public ISafetyPredictor? Predictor => _model;
    /// <summary>The latch this gate obeys; engage it from MQTT, serial, the CLI or an API.</summary>
    public EStopLatch EStop { get; }
    /// <summary>The checks that run, in order, each with its options and counter.</summary>
    public IReadOnlyList<CheckCounter> Checks => _checks;
    public SafetyChecks ActiveChecks => _checks.Aggregate(SafetyChecks.None, (s, c) => s | (SafetyChecks)(1 << (int)c.Check));
    /// <summary>U above which the uncertainty check vetoes; NaN when that check is off.</summary>
    public float UncertaintyThreshold => _uncertainty?.Threshold ?? float.NaN;
    /// <summary>The last command this gate let out (the reference of the rate limit).</summary>
    public ReadOnlySpan<float> LastSent => _lastSent;

    private CheckCounter NonFiniteAction { get; }
    // Counts model exceptions; the ModelOutput check when enabled, else a private counter.
    private CheckCounter ModelFailure { get; }

    /// <summary>
    /// Real-time, allocation-free. See <see cref="ICommandGate.Apply"/>. Assumes the command it writes is
    /// sent; if a command is dropped, call <see cref="Reset"/> with what the robot last received.
    /// </summary>
    public SafetyDecision Apply(StateBuffer state, ReadOnlySpan<float> proposed, ReadOnlySpan<float> candidates, CommandBuffer command)
    {
        if (proposed.Length != _actDim || command.Action.Length != _actDim || candidates.Length % _actDim != 0)
            ThrowShape(proposed.Length, candidates.Length, command.Action.Length);
        Interlocked.Increment(ref _ticks);
        long seq = state.Seq;

        if (_inputSanity is not null)
        {
            int dim = _inputSanity.FindViolation(state.Obs, out float value, out float bound);
            if (dim >= 0) return SendSafe(command, SafetyDecision.Fallback, _inputSanity, seq, dim, value, bound);
        }
        if (_estop is not null)
        {
            if (_estop.Holds(state, out bool released))
                return SendSafe(command, SafetyDecision.EStop, _estop, seq, -1, 1, 0);
            if (released) Audit(new SafetyEvent(SafetyCheck.EStop, SafetyDecision.Ok, _time.GetUtcNow(), seq, -1, 0, 0));
        }
        if (_staleness is not null && _staleness.IsStale(state, out TimeSpan age))
            return SendSafe(command, SafetyDecision.Fallback, _staleness, seq, -1,
                            (float)age.TotalMilliseconds, (float)_staleness.Options.Timeout.TotalMilliseconds);

        var decision = SafetyDecision.Ok;
        Span<float> action = _action;
        proposed.CopyTo(action);
        if (!Limit(action, seq, report: true, ref decision))
            return SendSafe(command, SafetyDecision.Fallback, null, seq, -1, 0, 0);
        action.CopyTo(command.Proposed);   // what checks 5-6 judge: recorded, so the veto is calibrated on it

        if (_useModel)
        {
            if (!TryPredictRows(1, state.Obs, action, seq))
                return SendSafe(command, SafetyDecision.Fallback, ModelFailure, seq, -1, float.NaN, float.NaN);
            if (RowVetoed(0, proposal: true, out CheckCounter? check, out int dim, out float value, out float limit, out bool byHysteresis))
            {
                var choice = SelectCandidate(state.Obs, candidates) ? VetoChoice.Candidate
                           : TryHold(state.Obs) ? VetoChoice.Hold : VetoChoice.SafeAction;
                decision = choice == VetoChoice.SafeAction ? SafetyDecision.Fallback : SafetyDecision.Vetoed;
                if (byHysteresis) Interlocked.Increment(ref _hysteresisVetoes);
                Interlocked.Increment(ref _byVetoChoice[(int)choice]);
                Report(check!, decision, seq, dim, value, limit);
                if (choice == VetoChoice.SafeAction) return Send(command, _safeAction, decision);
                if (choice == VetoChoice.Hold) { _holdsInRow++; return Send(command, action, decision); }
            }
            // The command passed the model checks (as proposed or as a candidate): the one a hold repeats.
            action.CopyTo(_lastPassed);
            _hasLastPassed = true;
        }
        _holdsInRow = 0;
        return Send(command, action, decision);
    }

    /// <summary>Real-time, allocation-free. See <see cref="ICommandGate.SendSafeAction"/>; counted as a tick and a decision.</summary>
    public SafetyDecision SendSafeAction(StateBuffer state, ReadOnlySpan<float> safeAction, CommandBuffer command)
    {
        if (safeAction.Length != _actDim || command.Action.Length != _actDim) ThrowShape(safeAction.Length, 0, command.Action.Length);
        Interlocked.Increment(ref _ticks);
        _holdsInRow = 0;
        safeAction.CopyTo(command.Proposed);
        return Send(command, safeAction, EStop.IsEngaged ? SafetyDecision.EStop : SafetyDecision.Fallback);
    }

    /// <summary>Not real-time. A snapshot of all counters (see <see cref="SafetyCounts.Since"/> for per-episode counts).</summary>
    public SafetyCounts Snapshot()
    {
        var byCheck = new long[SafetyCheckText.Count];
        foreach (var c in _checks) byCheck[(int)c.Check] = c.Count;
        if (_actionLimits is null) byCheck[(int)SafetyCheck.ActionLimits] = NonFiniteAction.Count;
        if (_modelOutput is null) byCheck[(int)SafetyCheck.ModelOutput] = ModelFailure.Count;
        var byDecision = new long[_byDecision.Length];
        for (int i = 0; i < byDecision.Length; i++) byDecision[i] = Interlocked.Read(ref _byDecision[i]);
        var byChoice = new long[_byVetoChoice.Length];
        for (int i = 0; i < byChoice.Length; i++) byChoice[i] = Interlocked.Read(ref _byVetoChoice[i]);
        return new SafetyCounts(Interlocked.Read(ref _ticks), byCheck, byDecision, _auditQueue?.Dropped ?? 0,
                                byChoice, Interlocked.Read(ref _hysteresisVetoes));
    }

    /// <summary>Not real-time. Zeroes every counter.</summary>
    public void ResetCounters()
    {
        foreach (var c in _checks) c.ResetCount();
        NonFiniteAction.ResetCount();
        ModelFailure.ResetCount();
        Interlocked.Exchange(ref _ticks, 0);
        for (int i = 0; i < _byDecision.Length; i++) Interlocked.Exchange(ref _byDecision[i], 0);
        for (int i = 0; i < _byVetoChoice.Length; i++) Interlocked.Exchange(ref _byVetoChoice[i], 0);
        Interlocked.Exchange(ref _hysteresisVetoes, 0);
    }

    /// <summary>
    /// Not real-time. Sets the rate limit's reference to what the robot last received (the safe action
    /// when omitted, e.g. at the start of an episode), turns the uncertainty veto's hysteresis off and
    /// forgets the command a hold would repeat.
    /// </summary>
    public void Reset(ReadOnlySpan<float> lastSent = default)
    {
        _uncertainty?.ResetHysteresis();
        _hasLastPassed = false;
        _holdsInRow = 0;
        if (lastSent.IsEmpty) _safeAction.CopyTo(_lastSent);
        else if (lastSent.Length == _actDim) lastSent.CopyTo(_lastSent);
        else throw new ArgumentException($"safety: last sent action has {lastSent.Length} values, expected {_actDim}");
    }

    /// <summary>Hot path. Box clamp then rate limit, in place; false when the action is unusable (non-finite).</summary>
    private bool Limit(Span<float> action, long seq, bool report, ref SafetyDecision decision)
    {
        if (_actionLimits is not null)
        {
            int dim = _actionLimits.Clamp(action, out float value, out float bound, out bool nan);
            if (nan)
            {
                if (report) Report(_actionLimits, SafetyDecision.Fallback, seq, dim, value, bound);
                return false;
            }
            if (dim >= 0 && report) { decision = SafetyDecision.Clamped; Report(_actionLimits, decision, seq, dim, value, bound); }
        }
        for (int i = 0; i < action.Length; i++)
        {
            if (!float.IsFinite(action[i]))
            {
                if (report) Report(NonFiniteAction, SafetyDecision.Fallback, seq, i, action[i], float.NaN);
                return false;
            }
        }
        if (_rateLimit is not null)
        {
            int dim = _rateLimit.Limit(action, _lastSent, out float delta, out float limit);
            if (dim >= 0 && report) { decision = SafetyDecision.Clamped; Report(_rateLimit, decision, seq, dim, delta, limit); }
        }
        return true;
    }

    /// <summary>
    /// Hot path. Runs the model on rows [0, n) of the batch buffers, each row starting from
    /// <paramref name="obs"/>. False when the model throws: a failing model must fail safe, not take the
    /// loop down (the exception is logged, event 6004).
    /// </summary>
    private bool TryPredictRows(int n, ReadOnlySpan<float> obs, ReadOnlySpan<float> firstAction, long seq)
    {
        for (int r = 0; r < n; r++) obs.CopyTo(_obsRows.AsSpan(r * _obsDim, _obsDim));
        if (!firstAction.IsEmpty) firstAction.CopyTo(_actRows);
        try
        {
            _model!.Predict(n, _obsRows.AsSpan(0, n * _obsDim), _actRows.AsSpan(0, n * _actDim),
                            _nextRows.AsSpan(0, n * _obsDim), _disRows.AsSpan(0, n));
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SafetyAuditLog.ModelFailed(_logger, n, seq, e);
            return false;
        }
    }

    /// <summary>
    /// Hot path. Model checks on one predicted row; the first that vetoes, with its values. The
    /// <paramref name="proposal"/> row advances the uncertainty veto's hysteresis; other rows are judged by
    /// the threshold in force. <paramref name="waiveUncertainty"/>: only the hard checks (a hold).
    /// </summary>
    private bool RowVetoed(int row, bool proposal, out CheckCounter? check, out int dim, out float value, out float limit,
                           out bool byHysteresis, bool waiveUncertainty = false)
    {
        ReadOnlySpan<float> next = _nextRows.AsSpan(row * _obsDim, _obsDim);
        float d = _disRows[row];
        check = null; dim = -1; value = 0; limit = 0; byHysteresis = false;
        if (_modelOutput is not null && (dim = ModelOutputCheck.FindNonFinite(next, d)) >= 0)
        {
            check = _modelOutput; value = dim < _obsDim ? next[dim] : d; limit = float.NaN;
            return true;
        }
        if (_stateLimits is not null && (dim = _stateLimits.FindViolation(next, out limit)) >= 0)
        {
            check = _stateLimits; value = next[dim];
            return true;
        }
        dim = -1;
        if (_uncertainty is null || waiveUncertainty) return false;
        if (proposal ? _uncertainty.VetoesProposal(d, out byHysteresis) : _uncertainty.Vetoes(d))
        {
            check = _uncertainty; value = d; limit = byHysteresis ? _uncertainty.ExitThreshold : _uncertainty.Threshold;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Hot path. Puts the last command that passed into <see cref="_action"/> when a hold is allowed (fewer
    /// than HoldTicks holds in a row), it survives the limits and the model's hard checks for this state.
    /// </summary>
    private bool TryHold(ReadOnlySpan<float> obs)
    {
        if (!_hasLastPassed || _holdsInRow >= _holdTicks) return false;
        Span<float> row = _actRows.AsSpan(0, _actDim);
        _lastPassed.CopyTo(row);
        var ignored = SafetyDecision.Ok;
        if (!Limit(row, 0, report: false, ref ignored) || !TryPredictRows(1, obs, default, seq: -1)) return false;
        if (RowVetoed(0, proposal: false, out _, out _, out _, out _, out _, waiveUncertainty: true)) return false;
        row.CopyTo(_action);
        return true;
    }

    /// <summary>
    /// Hot path. Limits each candidate like the proposal (silently), predicts them in one batch, and puts
    /// the passing one with the lowest disagreement (earliest on ties), or with <see cref="VetoCandidateOrder.PlannerOrder"/>
    /// the first passing one, into <see cref="_action"/>.
    /// </summary>
    private bool SelectCandidate(ReadOnlySpan<float> obs, ReadOnlySpan<float> candidates)
    {
        int k = Math.Min(candidates.Length / _actDim, _maxCandidates);
        int n = 0;
        var ignored = SafetyDecision.Ok;
        for (int j = 0; j < k; j++)
        {
            Span<float> row = _actRows.AsSpan(n * _actDim, _actDim);
            candidates.Slice(j * _actDim, _actDim).CopyTo(row);
            if (Limit(row, 0, report: false, ref ignored)) n++;
        }
        if (n == 0 || !TryPredictRows(n, obs, default, seq: -1)) return false;
        int best = -1;
        float bestD = float.PositiveInfinity;
        for (int r = 0; r < n; r++)
        {
            if (RowVetoed(r, proposal: false, out _, out _, out _, out _, out _)) continue;
            if (_plannerOrder) { best = r; break; }
            float d = _disRows[r];
            if (best < 0 || d < bestD) { best = r; bestD = d; }
        }
        if (best < 0) return false;
        _actRows.AsSpan(best * _actDim, _actDim).CopyTo(_action);
        return true;
    }

    private SafetyDecision SendSafe(CommandBuffer command, SafetyDecision decision, CheckCounter? check, long seq, int dim, float value, float limit)
    {
        if (check is not null) Report(check, decision, seq, dim, value, limit);
        return Send(command, _safeAction, decision);
    }

    private SafetyDecision Send(CommandBuffer command, ReadOnlySpan<float> action, SafetyDecision decision)
    {
        action.CopyTo(command.Action);
        action.CopyTo(_lastSent);
        command.Safety = decision;
        Interlocked.Increment(ref _byDecision[(int)decision]);
        return decision;
    }

    /// <summary>
    /// Not real-time. Writes queued audit events to the logger (queued mode; a no-op inline). Returns how
    /// many were written. Safe to call from any thread.
    /// </summary>
    public int DrainAudit()
    {
        if (_auditQueue is null) return 0;
        int n = 0;
        lock (_drainLock)
        {
            while (_auditQueue.TryDequeue(out var e)) { Write(e); n++; }
        }
        return n;
    }

    /// <summary>
    /// Not real-time. Drains the audit queue every <paramref name="interval"/> (on the gate's TimeProvider)
    /// until cancelled, then once more. Run it on a background task in queued mode.
    /// </summary>
    public async Task RunAuditPumpAsync(TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false)) DrainAudit();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally { DrainAudit(); }
    }

    /// <summary>Hot path: counts the check and records the event.</summary>
    private void Report(CheckCounter check, SafetyDecision decision, long seq, int dim, float value, float limit)
    {
        check.Hit();
        if (_auditQueue is not null || _logger.IsEnabled(LogLevel.Warning))
            Audit(new SafetyEvent(check.Check, decision, _time.GetUtcNow(), seq, dim, value, limit));
    }

    /// <summary>Hot path: queues the event, or logs it now in inline mode (formatted only when the logger is enabled).</summary>
    private void Audit(in SafetyEvent e)
    {
        if (_auditQueue is not null) _auditQueue.Enqueue(e);
        else Write(e);
    }

    private void Write(in SafetyEvent e)
    {
        if (e.IsEStopRelease) SafetyAuditLog.EStopReleased(_logger, e.Time, e.StateSeq);
        else SafetyAuditLog.CheckActed(_logger, e.Check, e.Decision, e.Time, e.StateSeq, e.Dim, e.Value, e.Limit);
    }

    private void ThrowShape(int proposed, int candidates, int command) =>
        throw new ArgumentException(
            $"safety: proposed action has {proposed} values, command {command}, candidates {candidates} (must be multiples of {_actDim})");
}
