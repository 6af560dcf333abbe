namespace Robotics.Core.Tasks;

/// <summary>The constants of Reacher2D's cost (the simulator's physics has more).</summary>
public sealed record Reacher2DCostParameters
{
    /// <summary>N m; each action component is a torque in [-MaxTorque, MaxTorque].</summary>
    public double MaxTorque { get; init; } = 1.0;
    /// <summary>Weight of the squared normalised torques.</summary>
    public double ControlCostWeight { get; init; } = 0.01;

    private static readonly string[] Names = ["max_torque", "control_cost_weight"];

    public Reacher2DCostParameters Validate()
    {
        TaskParameters.Positive(Reacher2DTask.TaskId, MaxTorque, "max_torque");
        TaskParameters.NonNegative(Reacher2DTask.TaskId, ControlCostWeight, "control_cost_weight");
        return this;
    }

    /// <summary>From a card's task_cost.parameters (missing names keep their defaults).</summary>
    public static Reacher2DCostParameters From(IReadOnlyDictionary<string, double> p)
    {
        TaskParameters.OnlyKnown(Reacher2DTask.TaskId, p, Names);
        var d = new Reacher2DCostParameters();
        return new Reacher2DCostParameters
        {
            MaxTorque = TaskParameters.Get(p, Names[0], d.MaxTorque),
            ControlCostWeight = TaskParameters.Get(p, Names[1], d.ControlCostWeight),
        }.Validate();
    }

    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>
    {
        [Names[0]] = MaxTorque, [Names[1]] = ControlCostWeight,
    };
}
