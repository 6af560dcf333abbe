namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>
/// Per-episode physics randomisation for sim-to-real: each episode draws one scale factor per quantity,
/// uniform in its [low, high] range, and applies it to every body / dof / geom / actuator of the model
/// (masses with their inertias, joint damping, sliding friction, motor gain), plus Gaussian observation
/// noise and an observation delay drawn per episode. <see cref="None"/> (all ranges [1, 1], no noise, no
/// delay) is the unrandomised robot. Validated once, at the task's construction.
/// </summary>
public sealed record PhysicsRandomisation
{
    public static PhysicsRandomisation None { get; } = new();

    /// <summary>A moderate default for sim-to-real training: +-20% masses and gains, damping and friction x0.5-2, noise 0.01, delay 0-1 steps.</summary>
    public static PhysicsRandomisation Default { get; } = new()
    {
        Mass = (0.8, 1.2), Damping = (0.5, 2.0), Friction = (0.5, 2.0), ActuatorGain = (0.8, 1.2),
        ObservationNoiseStd = 0.01, ObservationDelaySteps = (0, 1),
    };

    public (double Low, double High) Mass { get; init; } = (1, 1);
    public (double Low, double High) Damping { get; init; } = (1, 1);
    public (double Low, double High) Friction { get; init; } = (1, 1);
    public (double Low, double High) ActuatorGain { get; init; } = (1, 1);
    /// <summary>Standard deviation of the zero-mean Gaussian noise added to every observation entry.</summary>
    public double ObservationNoiseStd { get; init; }
    /// <summary>Inclusive range of whole steps by which observations lag the state (drawn per episode).</summary>
    public (int Low, int High) ObservationDelaySteps { get; init; } = (0, 0);

    public bool IsNone => this == None;

    public PhysicsRandomisation Validate()
    {
        Scale(Mass, nameof(Mass)); Scale(Damping, nameof(Damping)); Scale(Friction, nameof(Friction)); Scale(ActuatorGain, nameof(ActuatorGain));
        if (!(ObservationNoiseStd >= 0) || !double.IsFinite(ObservationNoiseStd))
            throw new ArgumentException($"randomisation: ObservationNoiseStd must be >= 0, got {ObservationNoiseStd}");
        if (ObservationDelaySteps.Low < 0 || ObservationDelaySteps.High < ObservationDelaySteps.Low || ObservationDelaySteps.High > 50)
            throw new ArgumentException($"randomisation: ObservationDelaySteps must satisfy 0 <= low <= high <= 50, got {ObservationDelaySteps}");
        return this;
    }

    private static void Scale((double Low, double High) r, string name)
    {
        if (!(r.Low > 0) || !(r.High >= r.Low) || !double.IsFinite(r.High))
            throw new ArgumentException($"randomisation: {name} range must satisfy 0 < low <= high, got ({r.Low}, {r.High})");
    }
}
