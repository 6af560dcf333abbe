namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>
/// Options of a MuJoCo task. <see cref="ActionRepeat"/> holds each action for that many environment steps
/// (rewards summed), as the papers count: the episode is still <see cref="TimeLimitSteps"/> environment steps,
/// so it is ceil(TimeLimitSteps / ActionRepeat) agent steps. Validated at the task's construction.
/// </summary>
public sealed record MujocoTaskOptions
{
    public static MujocoTaskOptions Default { get; } = new();

    /// <summary>Environment (physics control) steps per agent step; 1 in DeepMind Control.</summary>
    public int ActionRepeat { get; init; } = 1;
    /// <summary>Environment steps per episode, then truncation (DeepMind Control: 1000).</summary>
    public int TimeLimitSteps { get; init; } = 1000;
    public PhysicsRandomisation Randomisation { get; init; } = PhysicsRandomisation.None;
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    public MujocoTaskOptions Validate()
    {
        if (ActionRepeat is < 1 or > 1000) throw new ArgumentException($"mujoco task: ActionRepeat must be in [1, 1000], got {ActionRepeat}");
        if (TimeLimitSteps < 1) throw new ArgumentException($"mujoco task: TimeLimitSteps must be >= 1, got {TimeLimitSteps}");
        Randomisation.Validate();
        return this;
    }
}
