using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Robots;
using Robotics.Safety;

namespace Robotics.Runtime.Session;

/// <summary>Which gate sits on the command path.</summary>
public enum GateKind
{
    /// <summary>The full safety gate (limits, e-stop, staleness, model checks with the safety predictor).</summary>
    Safety,
    /// <summary>No checks: for benchmarks and learning loops that must explore; refused on hardware without <see cref="SessionOptions.AllowUngatedFlag"/>.</summary>
    PassThrough,
    /// <summary>
    /// The safety gate with its uncertainty veto off (every other check on; the proposal it would judge is still recorded):
    /// to record the controller's own episodes that calibrate the veto's threshold (`robotics-train calibrate`). Until the
    /// first veto these are exactly the trajectories a vetoing gate sees, whatever its threshold.
    /// </summary>
    NoVeto,
}

/// <summary>
/// Everything one deployment session needs, in one record shared by <c>run</c>, <c>demo</c>,
/// <c>serve-runtime</c> and the PETS loop. Immutable; <see cref="Validate"/> runs before the robot is touched
/// and throws <see cref="ArgumentException"/> with a one-line message.
/// </summary>
public sealed record SessionOptions
{
    /// <summary>The explicit, loudly named flag that lets <c>--gate pass</c> command an MQTT or serial robot.</summary>
    public const string AllowUngatedFlag = "--allow-ungated-hardware-commands";

    /// <summary>The model whose card's kind picks the controller.</summary>
    public required string ModelPath { get; init; }
    /// <summary>Optional model the gate predicts with (e.g. the ensemble beside a policy); null: the model's own kind decides.</summary>
    public string? SafetyModelPath { get; init; }
    /// <summary>sim:ENV, mqtt://HOST:PORT/ID or serial:///dev/ttyX?baud=N.</summary>
    public string Robot { get; init; } = "sim:pendulum";
    /// <summary>Episodes to run; 0 = until stopped (services).</summary>
    public int Episodes { get; init; } = 5;
    /// <summary>Directory to record every transition into as Parquet episodes; null: no recording.</summary>
    public string? RecordDir { get; init; }
    /// <summary>True: the robot steps on its own clock and the control period is the deadline. False: lock-step.</summary>
    public bool Realtime { get; init; } = true;
    public LoopPacing Pacing { get; init; } = LoopPacing.OnState;
    /// <summary>Seed of the controller's sampling and of a simulated robot's resets.</summary>
    public int Seed { get; init; }
    public ControllerOptions Controller { get; init; } = new();
    public GateKind Gate { get; init; } = GateKind.Safety;
    /// <summary>Lets <see cref="GateKind.PassThrough"/> command hardware (<see cref="AllowUngatedFlag"/>).</summary>
    public bool AllowUngatedHardware { get; init; }
    /// <summary>Options of the safety gate; null: defaults (staleness relaxed when lock-step, the card's hysteresis, <see cref="VetoFallback"/>).</summary>
    public SafetyGateOptions? SafetyOptions { get; init; }
    /// <summary>What replaces a vetoed proposal when <see cref="SafetyOptions"/> is null (null: the gate's default).</summary>
    public VetoFallbackOptions? VetoFallback { get; init; }
    public int MaxEpisodeSteps { get; init; } = 10_000;
    public TimeSpan StateTimeout { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Real time: a plan slower than this is answered with the safe action (counted); null: two control periods; infinite: off.</summary>
    public TimeSpan? PlanDeadline { get; init; }
    /// <summary>Real time: no state for this long sends the safe action, again each interval; null: three control periods.</summary>
    public TimeSpan? StaleAfter { get; init; }
    /// <summary>Failed ticks in a row (each answered safe) after which the run ends with one line and exit 1.</summary>
    public int MaxConsecutiveFaults { get; init; } = 5;
    /// <summary>The actuator-fault monitor beside the controller (<c>--fault-monitor</c>); null: none.</summary>
    public FaultMonitor.FaultMonitorSettings? FaultMonitor { get; init; }
    /// <summary>Keep transitions in memory for a sink (always on with <see cref="RecordDir"/>).</summary>
    public bool Record { get; init; } = true;

    /// <summary>The loop's options for a robot with id <paramref name="robotId"/>.</summary>
    public ControlLoopOptions LoopOptions(string robotId) => new()
    {
        Realtime = Realtime, Pacing = Pacing, MaxEpisodeSteps = MaxEpisodeSteps, StateTimeout = StateTimeout,
        PlanDeadline = PlanDeadline, StaleAfter = StaleAfter, MaxConsecutiveFaults = MaxConsecutiveFaults,
        RobotId = robotId, Source = RobotConnector.SourceOf(Robot), Record = Record || RecordDir is not null,
    };

    public SessionOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new ArgumentException("--model is empty");
        if (!File.Exists(ModelPath)) throw new ArgumentException($"--model: file '{ModelPath}' does not exist");
        if (SafetyModelPath is not null && !File.Exists(SafetyModelPath))
            throw new ArgumentException($"--safety-model: file '{SafetyModelPath}' does not exist");
        if (string.IsNullOrWhiteSpace(Robot)) throw new ArgumentException("--robot is empty");
        if (Episodes < 0) throw new ArgumentException($"--episodes must be >= 0, got {Episodes}");
        if (Gate == GateKind.PassThrough && RobotConnector.IsHardware(Robot) && !AllowUngatedHardware)
            throw new ArgumentException(
                $"--gate pass would send ungated commands to the hardware robot '{Robot}'; add {AllowUngatedFlag} if you really mean it");
        if (MaxConsecutiveFaults is < 1 or > 1_000_000) throw new ArgumentException($"--max-faults must be in [1, 1000000], got {MaxConsecutiveFaults}");
        Controller.Validate();
        FaultMonitor?.Validate();
        LoopOptions("robot").Validate();
        return this;
    }
}
