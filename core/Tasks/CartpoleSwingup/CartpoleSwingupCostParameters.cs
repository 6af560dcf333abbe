namespace Robotics.Core.Tasks;

/// <summary>The constants of cartpole swing-up's cost and termination (the simulator's physics has more).</summary>
public sealed record CartpoleSwingupCostParameters
{
    /// <summary>m, full length of the pole.</summary>
    public double PoleLength { get; init; } = 1.0;
    /// <summary>N; the action is a force in [-MaxForce, MaxForce].</summary>
    public double MaxForce { get; init; } = 10.0;
    /// <summary>Weight of the squared normalised force.</summary>
    public double ControlCostWeight { get; init; } = 0.01;
    /// <summary>m; the cart leaving [-TrackLimit, TrackLimit] ends the episode.</summary>
    public double TrackLimit { get; init; } = 2.4;

    private static readonly string[] Names = ["pole_length", "max_force", "control_cost_weight", "track_limit"];

    public CartpoleSwingupCostParameters Validate()
    {
        TaskParameters.Positive(CartpoleSwingupTask.TaskId, PoleLength, "pole_length");
        TaskParameters.Positive(CartpoleSwingupTask.TaskId, MaxForce, "max_force");
        TaskParameters.NonNegative(CartpoleSwingupTask.TaskId, ControlCostWeight, "control_cost_weight");
        TaskParameters.Positive(CartpoleSwingupTask.TaskId, TrackLimit, "track_limit");
        return this;
    }

    /// <summary>From a card's task_cost.parameters (missing names keep their defaults).</summary>
    public static CartpoleSwingupCostParameters From(IReadOnlyDictionary<string, double> p)
    {
        TaskParameters.OnlyKnown(CartpoleSwingupTask.TaskId, p, Names);
        var d = new CartpoleSwingupCostParameters();
        return new CartpoleSwingupCostParameters
        {
            PoleLength = TaskParameters.Get(p, Names[0], d.PoleLength),
            MaxForce = TaskParameters.Get(p, Names[1], d.MaxForce),
            ControlCostWeight = TaskParameters.Get(p, Names[2], d.ControlCostWeight),
            TrackLimit = TaskParameters.Get(p, Names[3], d.TrackLimit),
        }.Validate();
    }

    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>
    {
        [Names[0]] = PoleLength, [Names[1]] = MaxForce, [Names[2]] = ControlCostWeight, [Names[3]] = TrackLimit,
    };
}
