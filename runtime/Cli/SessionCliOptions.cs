using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Session;

namespace Robotics.Runtime.Cli;

/// <summary>
/// The options of a deployment session on the command line, defined and parsed once for <c>run</c> and
/// <c>serve-runtime</c> (so both accept the same), into one validated <see cref="SessionOptions"/>.
/// </summary>
public sealed class SessionCliOptions
{
    private readonly Option<string> _model = new("--model") { Description = "model file (.onnx with its card; the card's kind picks the controller)", Required = true };
    private readonly Option<string?> _safetyModel = new("--safety-model") { Description = "model the safety gate predicts with (e.g. the ensemble beside a policy); default: the model itself when its kind can" };
    private readonly Option<string> _robot = new("--robot") { Description = "sim:ENV, mqtt://HOST:PORT/ID or serial:///dev/ttyX?baud=N", DefaultValueFactory = _ => "sim:pendulum" };
    private readonly Option<int> _episodes;
    private readonly Option<string?> _record = new("--record") { Description = "write every transition as Parquet episodes into DIR" };
    private readonly Option<bool> _realtime = new("--realtime") { Description = "the robot steps on its own clock, the period is the deadline (false: lock-step, as fast as the robot answers)", DefaultValueFactory = _ => true };
    private readonly Option<string> _pacing = new("--pacing") { Description = "state (act when a state arrives) | timer (act once per period, for robots that must be polled)", DefaultValueFactory = _ => "state" };
    private readonly Option<int> _seed = new("--seed") { Description = "seed of the controller's sampling and the simulator's resets", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _gate = new("--gate") { Description = "safety | no-veto (every check but the uncertainty veto: record the controller's own episodes with --record to calibrate the veto on, robotics-train calibrate) | pass (pass-through, for comparisons only; refused on mqtt:// and serial:// robots without " + SessionOptions.AllowUngatedFlag + ")", DefaultValueFactory = _ => "safety" };
    private readonly Option<bool> _allowUngated = new(SessionOptions.AllowUngatedFlag) { Description = "DANGER: let --gate pass send unchecked commands to a hardware robot" };
    private readonly Option<int?> _planDeadline = new("--plan-deadline-ms") { Description = "real time: a plan slower than this is answered with the safe action and counted as a deadline miss [default: 2 control periods; 0: off]" };
    private readonly Option<int?> _staleAfter = new("--stale-after-ms") { Description = "real time: with no new state for this long the robot gets the safe action, again each interval, until states return [default: 3 control periods]" };
    private readonly Option<int> _maxFaults = new("--max-faults") { Description = "ticks in a row whose controller or gate threw (each answered with the safe action) before the run ends with exit 1", DefaultValueFactory = _ => 5 };
    private readonly Option<string?> _faultMonitor = new("--fault-monitor") { Description = "actuator-fault monitor beside the controller: an inverse-dynamics model (.onnx); alarms when the smoothed commanded-vs-inferred action residual passes the threshold" };
    private readonly Option<float?> _faultThreshold = new("--fault-threshold") { Description = "fault monitor: smoothed normalised residual that alarms [default: from M.fault-monitor.json, written by --fault-calibrate]" };
    private readonly Option<float?> _faultAlpha = new("--fault-alpha") { Description = $"fault monitor: EWMA weight of the newest residual [default: the calibration's, else {FaultMonitor.FaultMonitorSettings.DefaultAlpha}]" };
    private readonly Option<bool> _faultEStop = new("--fault-estop") { Description = "fault monitor: an alarm engages the e-stop latch (the gate then sends only the safe action)" };
    private readonly Option<bool> _faultCalibrate = new("--fault-calibrate") { Description = "fault monitor (run): these episodes are healthy; never alarm, then write M.fault-monitor.json with threshold = max smoothed residual x --fault-margin" };
    private readonly Option<float> _faultMargin = new("--fault-margin") { Description = "fault monitor calibration: threshold = largest healthy smoothed residual x this (> 1)", DefaultValueFactory = _ => FaultMonitor.FaultMonitorSettings.DefaultMargin };
    private readonly PlannerCliOptions _controller = new();

    /// <summary>Options for a verb; <paramref name="modelRequired"/> false where the model may come from elsewhere (serve's configuration files), Read then checks it.</summary>
    public SessionCliOptions(int defaultEpisodes, string episodesHelp, bool modelRequired = true)
    {
        _model.Required = modelRequired;
        _episodes = new Option<int>("--episodes") { Description = episodesHelp, DefaultValueFactory = _ => defaultEpisodes };
    }

    public void AddTo(Command cmd)
    {
        foreach (Option o in new Option[] { _model, _safetyModel, _robot, _episodes, _record, _realtime, _pacing, _seed, _gate, _allowUngated, _planDeadline, _staleAfter, _maxFaults,
                                             _faultMonitor, _faultThreshold, _faultAlpha, _faultEStop, _faultCalibrate, _faultMargin }) cmd.Options.Add(o);
        _controller.AddTo(cmd);
    }

    /// <summary>The --model option (serve's configuration needs to know whether it was given).</summary>
    public Option<string> Model => _model;

    /// <summary>The validated session options; anything wrong is a one-line <see cref="UsageException"/>.</summary>
    public SessionOptions Read(ParseResult p)
    {
        int seed = p.GetValue(_seed);
        if (string.IsNullOrWhiteSpace(p.GetValue(_model))) throw new UsageException("--model is required");
        try
        {
            return new SessionOptions
            {
                ModelPath = p.GetValue(_model)!, SafetyModelPath = p.GetValue(_safetyModel), Robot = p.GetValue(_robot)!,
                Episodes = p.GetValue(_episodes), RecordDir = p.GetValue(_record), Realtime = p.GetValue(_realtime),
                Pacing = p.GetValue(_pacing)!.ToLowerInvariant() switch
                {
                    "state" => LoopPacing.OnState, "timer" => LoopPacing.Timer,
                    var s => throw new UsageException($"--pacing must be state or timer, got '{s}'"),
                },
                Seed = seed,
                Gate = p.GetValue(_gate)!.ToLowerInvariant() switch
                {
                    "safety" => GateKind.Safety, "no-veto" => GateKind.NoVeto, "pass" => GateKind.PassThrough,
                    var s => throw new UsageException($"--gate must be safety, no-veto or pass, got '{s}'"),
                },
                AllowUngatedHardware = p.GetValue(_allowUngated),
                PlanDeadline = p.GetValue(_planDeadline) switch
                {
                    null => null, 0 => Timeout.InfiniteTimeSpan,
                    < 0 and var ms => throw new UsageException($"--plan-deadline-ms must be > 0 (0: off), got {ms}"),
                    var ms => TimeSpan.FromMilliseconds(ms.Value),
                },
                StaleAfter = p.GetValue(_staleAfter) switch
                {
                    null => null,
                    <= 0 and var ms => throw new UsageException($"--stale-after-ms must be > 0, got {ms}"),
                    var ms => TimeSpan.FromMilliseconds(ms.Value),
                },
                MaxConsecutiveFaults = p.GetValue(_maxFaults),
                Controller = _controller.Read(p, seed),
                FaultMonitor = ReadFaultMonitor(p),
            }.Validate();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    private FaultMonitor.FaultMonitorSettings? ReadFaultMonitor(ParseResult p)
    {
        if (p.GetValue(_faultMonitor) is not { } model)
        {
            foreach (Option o in new Option[] { _faultThreshold, _faultAlpha, _faultEStop, _faultCalibrate, _faultMargin })
                if (p.GetResult(o) is { Implicit: false }) throw new UsageException($"{o.Name} needs --fault-monitor MODEL");
            return null;
        }
        return new FaultMonitor.FaultMonitorSettings
        {
            ModelPath = model, Threshold = p.GetValue(_faultThreshold), Alpha = p.GetValue(_faultAlpha), EngageEStop = p.GetValue(_faultEStop),
            Calibrate = p.GetValue(_faultCalibrate), Margin = p.GetValue(_faultMargin),
        }.Validate();
    }
}
