namespace Robotics.Safety.Monitors;

/// <summary>
/// Options for <see cref="ActuatorFaultMonitor"/>. <paramref name="ActionScale"/> normalises each action
/// dimension (the half-range the inverse card states) so one threshold fits every dimension;
/// <paramref name="Alpha"/> is the EWMA weight of the newest residual; <paramref name="Threshold"/> is the
/// smoothed normalised residual above which the monitor alarms (calibrated on healthy held-out runs);
/// <paramref name="EngageEStop"/> asks the loop to engage the e-stop on alarm.
/// </summary>
public sealed record ActuatorFaultMonitorOptions(float[] ActionScale, float Alpha, float Threshold, bool EngageEStop = false)
{
    public ActuatorFaultMonitorOptions Validate(int actDim)
    {
        if (ActionScale is null || ActionScale.Length != actDim)
            throw new ArgumentException($"fault monitor: action scale needs {actDim} values (the action dimension), got {ActionScale?.Length ?? 0}");
        for (int i = 0; i < actDim; i++)
            if (!(ActionScale[i] > 0) || float.IsInfinity(ActionScale[i]))
                throw new ArgumentException($"fault monitor: action scale of dimension {i} must be finite and > 0, got {ActionScale[i]}");
        if (!(Alpha > 0 && Alpha <= 1))
            throw new ArgumentException($"fault monitor: EWMA alpha must be in (0, 1], got {Alpha}");
        if (!(Threshold > 0) || float.IsInfinity(Threshold))
            throw new ArgumentException($"fault monitor: threshold must be finite and > 0, got {Threshold}");
        return this;
    }
}
