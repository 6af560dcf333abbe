namespace Robotics.Runtime.FaultMonitor;

/// <summary>
/// How a session runs the actuator-fault monitor (<c>--fault-monitor M</c> and its flags). <see cref="Threshold"/> and
/// <see cref="Alpha"/> null: taken from the model's calibration file (<see cref="FaultMonitorCalibration"/>);
/// <see cref="Calibrate"/>: observe only (never alarm) and write that file from the healthy episodes of the run,
/// threshold = their largest smoothed residual x <see cref="Margin"/>. Immutable; validated at start.
/// </summary>
public sealed record FaultMonitorSettings
{
    /// <summary>EWMA weight of the newest residual when nothing else says: about a 5-step memory.</summary>
    public const float DefaultAlpha = 0.2f;
    public const float DefaultMargin = 1.5f;

    /// <summary>The inverse-dynamics model (.onnx, card kind inverse-dynamics).</summary>
    public required string ModelPath { get; init; }
    public float? Threshold { get; init; }
    public float? Alpha { get; init; }
    /// <summary>Engage the e-stop latch when the alarm is raised.</summary>
    public bool EngageEStop { get; init; }
    public bool Calibrate { get; init; }
    public float Margin { get; init; } = DefaultMargin;

    /// <summary>Throws <see cref="ArgumentException"/> (one line) naming the first bad setting.</summary>
    public FaultMonitorSettings Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new ArgumentException("--fault-monitor is empty");
        if (!File.Exists(ModelPath)) throw new ArgumentException($"--fault-monitor: file '{ModelPath}' does not exist");
        if (Threshold is float t && (!(t > 0) || !float.IsFinite(t))) throw new ArgumentException($"--fault-threshold must be finite and > 0, got {t}");
        if (Alpha is float a && !(a > 0 && a <= 1)) throw new ArgumentException($"--fault-alpha must be in (0, 1], got {a}");
        if (!(Margin > 1) || !float.IsFinite(Margin)) throw new ArgumentException($"--fault-margin must be finite and > 1, got {Margin}");
        if (Calibrate && Threshold is not null) throw new ArgumentException("--fault-calibrate measures the threshold: leave out --fault-threshold");
        if (Calibrate && EngageEStop) throw new ArgumentException("--fault-calibrate never alarms: leave out --fault-estop");
        return this;
    }
}
