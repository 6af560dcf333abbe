namespace Robotics.Sim.Environments;

/// <summary>
/// Physical constants of <see cref="Reacher2D"/>. The defaults are the registered task; tests vary them
/// (e.g. zero damping to check energy conservation). Validated on construction of the environment.
/// </summary>
public sealed record Reacher2DParameters
{
    /// <summary>m, upper link (base joint to elbow).</summary>
    public double Link1Length { get; init; } = 0.1;
    /// <summary>m, lower link (elbow to fingertip).</summary>
    public double Link2Length { get; init; } = 0.11;
    /// <summary>kg, uniform rods.</summary>
    public double Link1Mass { get; init; } = 1.0;
    public double Link2Mass { get; init; } = 1.0;
    /// <summary>N m s/rad, viscous damping at each joint.</summary>
    public double Damping { get; init; } = 0.1;
    /// <summary>N m; each action component is a torque in [-MaxTorque, MaxTorque].</summary>
    public double MaxTorque { get; init; } = 1.0;
    /// <summary>rad/s; speed guard that keeps the observation bounded (random bang-bang torques reach ~35).</summary>
    public double MaxJointSpeed { get; init; } = 50.0;
    /// <summary>m; targets are drawn uniformly from the disc of this radius around the base.</summary>
    public double TargetRadius { get; init; } = 0.2;
    /// <summary>s, the control period (zero-order hold on the torques).</summary>
    public double Dt { get; init; } = 0.05;
    /// <summary>RK4 sub-steps per control period.</summary>
    public int Substeps { get; init; } = 10;
    public int MaxEpisodeSteps { get; init; } = 50;
    /// <summary>Weight of the squared normalised torques in the reward.</summary>
    public double ControlCostWeight { get; init; } = 0.01;

    /// <summary>The task library's cost constants these physics imply.</summary>
    public Robotics.Core.Tasks.Reacher2DCostParameters Cost => new() { MaxTorque = MaxTorque, ControlCostWeight = ControlCostWeight };

    public Reacher2DParameters Validate()
    {
        Positive(Link1Length, nameof(Link1Length)); Positive(Link2Length, nameof(Link2Length));
        Positive(Link1Mass, nameof(Link1Mass)); Positive(Link2Mass, nameof(Link2Mass));
        Positive(MaxTorque, nameof(MaxTorque)); Positive(MaxJointSpeed, nameof(MaxJointSpeed));
        Positive(TargetRadius, nameof(TargetRadius)); Positive(Dt, nameof(Dt));
        if (!(Damping >= 0) || !double.IsFinite(Damping)) throw new ArgumentException($"reacher2d: Damping must be >= 0, got {Damping}");
        if (Substeps < 1) throw new ArgumentException($"reacher2d: Substeps must be >= 1, got {Substeps}");
        if (MaxEpisodeSteps < 1) throw new ArgumentException($"reacher2d: MaxEpisodeSteps must be >= 1, got {MaxEpisodeSteps}");
        if (!(ControlCostWeight >= 0)) throw new ArgumentException($"reacher2d: ControlCostWeight must be >= 0, got {ControlCostWeight}");
        return this;
    }

    private static void Positive(double v, string name)
    {
        if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentException($"reacher2d: {name} must be positive and finite, got {v}");
    }
}
