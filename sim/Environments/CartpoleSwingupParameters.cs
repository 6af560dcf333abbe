namespace Robotics.Sim.Environments;

/// <summary>
/// Physical constants of <see cref="CartpoleSwingup"/>. The defaults are the registered task; tests vary
/// them (e.g. to check energy conservation). Validated on construction of the environment.
/// </summary>
public sealed record CartpoleSwingupParameters
{
    /// <summary>m/s^2.</summary>
    public double Gravity { get; init; } = 9.81;
    /// <summary>kg.</summary>
    public double CartMass { get; init; } = 1.0;
    /// <summary>kg, a uniform rod.</summary>
    public double PoleMass { get; init; } = 0.1;
    /// <summary>m, full length of the rod (its centre of mass is at half of it).</summary>
    public double PoleLength { get; init; } = 1.0;
    /// <summary>N; the action is a force in [-MaxForce, MaxForce].</summary>
    public double MaxForce { get; init; } = 10.0;
    /// <summary>m; the cart leaving [-TrackLimit, TrackLimit] terminates the episode.</summary>
    public double TrackLimit { get; init; } = 2.4;
    /// <summary>m/s; speed guard that keeps the observation bounded (never reached by a swing-up).</summary>
    public double MaxCartSpeed { get; init; } = 10.0;
    /// <summary>rad/s; speed guard that keeps the observation bounded (never reached by a swing-up).</summary>
    public double MaxPoleSpeed { get; init; } = 25.0;
    /// <summary>s, the control period (zero-order hold on the force).</summary>
    public double Dt { get; init; } = 0.05;
    /// <summary>RK4 sub-steps per control period.</summary>
    public int Substeps { get; init; } = 5;
    public int MaxEpisodeSteps { get; init; } = 200;
    /// <summary>Weight of the squared normalised force in the reward.</summary>
    public double ControlCostWeight { get; init; } = 0.01;

    /// <summary>The task library's cost and termination constants these physics imply.</summary>
    public Robotics.Core.Tasks.CartpoleSwingupCostParameters Cost => new()
    {
        PoleLength = PoleLength, MaxForce = MaxForce, ControlCostWeight = ControlCostWeight, TrackLimit = TrackLimit,
    };

    public CartpoleSwingupParameters Validate()
    {
        Positive(Gravity, nameof(Gravity)); Positive(CartMass, nameof(CartMass)); Positive(PoleMass, nameof(PoleMass));
        Positive(PoleLength, nameof(PoleLength)); Positive(MaxForce, nameof(MaxForce)); Positive(TrackLimit, nameof(TrackLimit));
        Positive(MaxCartSpeed, nameof(MaxCartSpeed)); Positive(MaxPoleSpeed, nameof(MaxPoleSpeed)); Positive(Dt, nameof(Dt));
        if (Substeps < 1) throw new ArgumentException($"cartpole-swingup: Substeps must be >= 1, got {Substeps}");
        if (MaxEpisodeSteps < 1) throw new ArgumentException($"cartpole-swingup: MaxEpisodeSteps must be >= 1, got {MaxEpisodeSteps}");
        if (!(ControlCostWeight >= 0)) throw new ArgumentException($"cartpole-swingup: ControlCostWeight must be >= 0, got {ControlCostWeight}");
        return this;
    }

    private static void Positive(double v, string name)
    {
        if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentException($"cartpole-swingup: {name} must be positive and finite, got {v}");
    }
}
