using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Robots;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Safety.Monitors;

namespace Robotics.Runtime.FaultMonitor;

/// <summary>
/// The actuator-fault monitor beside any controller: the loop's <see cref="ITransitionObserver"/>. For each closed
/// transition it asks the inverse-dynamics model which action moved s to s' and hands that and the command that was
/// sent to safety's <see cref="ActuatorFaultMonitor"/> (normalised residual, EWMA, latched alarm). An alarm is a safety
/// event: counted (<see cref="Alarms"/>, per episode in <see cref="Episode"/>), logged (event 6010) and, when
/// configured, engages the e-stop latch the gate reads. Transitions over more than one robot step (missed states), whose
/// command left more than half a period after its state (real time: it may have missed the robot's next step) or that the
/// robot reports it did not apply on time (state field on_time false), and into a state on the observation box's bound
/// (clipped by the robot) are skipped, not guessed. 0 B per <see cref="Observe"/> (the alarm's log line and e-stop aside).
/// </summary>
public sealed class ActuatorFaultWatch : ITransitionObserver, IDisposable
{
    private readonly OnnxInverseModel _model;
    private readonly ActuatorFaultMonitor _monitor;
    private readonly EStopLatch? _estop;
    private readonly ILogger _logger;
    private readonly string _robotId;
    private readonly int _obsDim, _actDim;
    private readonly float[] _obsLow, _obsHigh;
    private readonly TimeSpan _lateAfter;
    private long _alarms, _checked, _errors;
    private long _episodeChecked, _episodeSkipped, _episodeErrors, _alarmStep = -1;
    private float _episodeMax;

    public ActuatorFaultWatch(OnnxInverseModel model, ActuatorFaultMonitorOptions options, string robotId, EStopLatch? estop = null, ILogger? logger = null)
    {
        _lateAfter = TimeSpan.FromSeconds(model.Card.ControlPeriodSeconds / 2);
        _obsLow = [.. model.Card.ObservationSpace.Low.Select(v => (float)v)];
        _obsHigh = [.. model.Card.ObservationSpace.High.Select(v => (float)v)];
        if (options.EngageEStop && estop is null) throw new ArgumentException("fault monitor: e-stop on alarm needs the session's e-stop latch");
        _model = model;
        _monitor = new ActuatorFaultMonitor(options, model.ActDim);
        _estop = estop;
        _logger = logger ?? NullLogger.Instance;
        _robotId = robotId;
        _obsDim = model.ObsDim; _actDim = model.ActDim;
    }

    /// <summary>
    /// Not real-time. Loads the inverse model (checked against <paramref name="robot"/>) and resolves threshold and alpha:
    /// explicit settings first, else the model's calibration file; calibrating uses no threshold (never alarms).
    /// Throws <see cref="ArgumentException"/>, <see cref="InvalidDataException"/> or <see cref="ModelCardMismatchException"/> on one line.
    /// </summary>
    public static ActuatorFaultWatch Create(FaultMonitorSettings settings, RobotSpec robot, EStopLatch? estop, ILogger logger)
    {
        settings.Validate();
        float alpha, threshold;
        if (settings.Calibrate) { alpha = settings.Alpha ?? FaultMonitorSettings.DefaultAlpha; threshold = float.MaxValue; }
        else if (settings.Threshold is float t) { alpha = settings.Alpha ?? FaultMonitorCalibration.TryRead(settings.ModelPath)?.Alpha ?? FaultMonitorSettings.DefaultAlpha; threshold = t; }
        else
        {
            var c = FaultMonitorCalibration.TryRead(settings.ModelPath)
                    ?? throw new ArgumentException($"--fault-monitor '{settings.ModelPath}': no threshold: give --fault-threshold or calibrate first " +
                                                   $"(--fault-calibrate on healthy runs writes {Path.GetFileName(FaultMonitorCalibration.PathFor(settings.ModelPath))})");
            if (settings.Alpha is float a && Math.Abs(a - c.Alpha) > 1e-6f)
                throw new ArgumentException($"--fault-alpha {a} differs from the alpha {c.Alpha} the threshold was calibrated with: calibrate again or give --fault-threshold");
            alpha = c.Alpha; threshold = c.Threshold;
        }
        var model = OnnxInverseModel.Load(settings.ModelPath, robot, 1, new WorldModelOptions { MaxBatch = 1, IntraOpThreads = 1, Provider = ProviderPreference.Cpu }, logger);
        try
        {
            float[] scale = new float[model.ActDim];
            for (int j = 0; j < scale.Length; j++) scale[j] = (float)((robot.ActionSpace.High[j] - robot.ActionSpace.Low[j]) / 2);
            var watch = new ActuatorFaultWatch(model, new ActuatorFaultMonitorOptions(scale, alpha, threshold, settings.EngageEStop), robot.Id, estop, logger);
            // Warm-up: the first ONNX Runtime call allocates; the loop's do not.
            watch._model.Run(1);
            return watch;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public ActuatorFaultMonitorOptions Options => _monitor.Options;
    public float Threshold => _monitor.Options.Threshold;
    public float Alpha => _monitor.Options.Alpha;
    public bool Calibrating => _monitor.Options.Threshold == float.MaxValue;
    public string ModelPath => _model.Path;
    /// <summary>Alarms raised over the watch's life (any thread may read).</summary>
    public long Alarms => Interlocked.Read(ref _alarms);
    /// <summary>Transitions checked over the watch's life.</summary>
    public long Checked => Interlocked.Read(ref _checked);
    /// <summary>True while the current episode's alarm is latched.</summary>
    public bool Alarmed => _monitor.Alarmed;
    /// <summary>The smoothed residual after the last checked transition.</summary>
    public float Smoothed => _monitor.Smoothed;

    /// <summary>The current (or last) episode so far; read between episodes.</summary>
    public FaultMonitorEpisode Episode =>
        new(_episodeChecked, _episodeSkipped, _monitor.Alarmed, _alarmStep, _episodeMax, _monitor.Options.Threshold, _episodeErrors);

    public void Reset()
    {
        _monitor.Reset();
        _episodeChecked = 0; _episodeSkipped = 0; _episodeErrors = 0; _episodeMax = 0f; _alarmStep = -1;
    }

    /// <summary>Hot path, allocation-free after warm-up (the alarm's event aside).</summary>
    public void Observe(ReadOnlySpan<float> obs, ReadOnlySpan<float> sent, ReadOnlySpan<float> nextObs, long robotSteps, TimeSpan commandDelay, bool? commandOnTime)
    {
        // A command written more than half a period after its state may have reached the robot after its next step (the
        // robot then applied the one before): the transition does not say what the command did. A robot that reports it
        // (on_time false) also catches the delays this side cannot see: the state's and the command's way over the broker.
        if (robotSteps != 1 || commandOnTime == false || commandDelay > _lateAfter || OnBound(nextObs)) { _episodeSkipped++; return; }
        bool raised;
        try
        {
            obs[.._obsDim].CopyTo(_model.Obs);
            nextObs[.._obsDim].CopyTo(_model.NextObs);
            _model.Run(1);
            raised = _monitor.Observe(sent[.._actDim], _model.Action.AsSpan(0, _actDim));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The monitor must never stop the loop; a failing monitor is loud instead.
            long n = ++_episodeErrors;
            Interlocked.Increment(ref _errors);
            if (n == 1 || n % 100 == 0) FaultMonitorLog.Failed(_logger, _robotId, Interlocked.Read(ref _errors), e.Message);
            return;
        }
        _episodeChecked++;
        Interlocked.Increment(ref _checked);
        if (_monitor.Smoothed > _episodeMax) _episodeMax = _monitor.Smoothed;
        if (raised) Raise();
    }

    /// <summary>
    /// Hot path. A next state exactly on the observation box's bound is one the robot clipped (Pendulum-v1 stops its
    /// speed at 8 rad/s): the action's effect is hidden there, so no inverse model can say what was applied.
    /// </summary>
    private bool OnBound(ReadOnlySpan<float> next)
    {
        for (int i = 0; i < _obsDim; i++)
            if (next[i] == _obsLow[i] || next[i] == _obsHigh[i]) return true;
        return false;
    }

    /// <summary>Not on the normal path: the tick the alarm is raised.</summary>
    private void Raise()
    {
        Interlocked.Increment(ref _alarms);
        _alarmStep = _episodeChecked + _episodeSkipped + _episodeErrors;   // the episode's transition, skipped ones counted
        bool stop = _monitor.Options.EngageEStop && _estop is not null;
        FaultMonitorLog.Alarm(_logger, _robotId, _alarmStep, _monitor.Smoothed, _monitor.Options.Threshold, stop ? "engaged" : "not requested");
        if (stop) _estop!.Engage($"actuator fault monitor: smoothed residual {_monitor.Smoothed:F3} > {_monitor.Options.Threshold:F3}");
    }

    public void Dispose() => _model.Dispose();
}
