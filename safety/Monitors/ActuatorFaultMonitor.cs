namespace Robotics.Safety.Monitors;

/// <summary>
/// Actuator-fault monitor: compares the commanded action with the action an inverse-dynamics model
/// infers from the transition (s, s') the robot actually went through. The residual is the largest
/// normalised per-dimension difference, smoothed by an EWMA; the monitor alarms (latched until
/// <see cref="Reset"/>) once the smoothed residual exceeds the calibrated threshold. The inverse model
/// itself lives outside (the runtime evaluates it); this class holds only the arithmetic so it is the
/// same code in-process and over MQTT.
/// </summary>
public sealed class ActuatorFaultMonitor
{
    private readonly float[] _invScale;
    private bool _primed;

    public ActuatorFaultMonitor(ActuatorFaultMonitorOptions options, int actDim)
    {
        Options = options.Validate(actDim);
        _invScale = new float[actDim];
        for (int i = 0; i < actDim; i++) _invScale[i] = 1f / options.ActionScale[i];
    }

    public ActuatorFaultMonitorOptions Options { get; }

    /// <summary>The smoothed normalised residual after the last <see cref="Observe"/>.</summary>
    public float Smoothed { get; private set; }

    /// <summary>True once the smoothed residual has crossed the threshold (latched).</summary>
    public bool Alarmed { get; private set; }

    /// <summary>Number of observed transitions since the last reset.</summary>
    public long Steps { get; private set; }

    /// <summary>Step (1-based, since reset) at which the alarm was raised; -1 when none.</summary>
    public long AlarmStep { get; private set; } = -1;

    /// <summary>
    /// Hot path, allocation-free. Feeds one transition's commanded and inferred action. Returns true only
    /// on the tick the alarm is raised (so the caller counts and logs one safety event per fault).
    /// </summary>
    public bool Observe(ReadOnlySpan<float> commanded, ReadOnlySpan<float> inferred)
    {
        if (commanded.Length != _invScale.Length || inferred.Length != _invScale.Length)
            throw new ArgumentException($"fault monitor: expected {_invScale.Length} action values, got {commanded.Length} commanded and {inferred.Length} inferred");
        float r = 0f;
        for (int i = 0; i < _invScale.Length; i++)
        {
            float d = MathF.Abs(commanded[i] - inferred[i]) * _invScale[i];
            if (float.IsNaN(d)) d = float.PositiveInfinity; // a non-finite inference is treated as a fault, not ignored
            if (d > r) r = d;
        }
        // Seed the EWMA with the first residual rather than 0 so the start is not artificially quiet.
        Smoothed = _primed ? Smoothed + Options.Alpha * (r - Smoothed) : r;
        _primed = true;
        Steps++;
        if (Alarmed || !(Smoothed > Options.Threshold)) return false;
        Alarmed = true;
        AlarmStep = Steps;
        return true;
    }

    /// <summary>Clears the EWMA and the alarm (episode start).</summary>
    public void Reset()
    {
        _primed = false;
        Smoothed = 0f;
        Alarmed = false;
        Steps = 0;
        AlarmStep = -1;
    }

    /// <summary>
    /// Threshold calibration from healthy held-out runs: the largest smoothed residual seen on them times
    /// a margin (> 1), so every calibration run stays silent by construction and new healthy runs have
    /// headroom.
    /// </summary>
    public static float CalibrateThreshold(ReadOnlySpan<float> healthyMaxSmoothed, float margin)
    {
        if (healthyMaxSmoothed.IsEmpty) throw new ArgumentException("fault monitor calibration: no healthy runs");
        if (!(margin > 1f)) throw new ArgumentException($"fault monitor calibration: margin must be > 1, got {margin}");
        float m = 0f;
        foreach (var v in healthyMaxSmoothed)
        {
            if (!float.IsFinite(v)) throw new ArgumentException("fault monitor calibration: a healthy run has a non-finite residual");
            if (v > m) m = v;
        }
        return m > 0f ? m * margin : margin * 1e-3f;
    }
}
