namespace Robotics.Runtime.Planning.Costs;

/// <summary>
/// One horizon step of a batched rollout as the cost terms see it, for <see cref="Count"/> particles.
/// Layouts are row-major [Count, dim].
/// </summary>
public readonly ref struct CostInputs
{
    public CostInputs(int step, int count, ReadOnlySpan<float> obs, ReadOnlySpan<float> actions,
                      ReadOnlySpan<float> previousActions, ReadOnlySpan<float> nextObs,
                      ReadOnlySpan<float> reward, ReadOnlySpan<float> disagreement)
    {
        Step = step; Count = count; Obs = obs; Actions = actions; PreviousActions = previousActions;
        NextObs = nextObs; Reward = reward; Disagreement = disagreement;
    }

    /// <summary>Horizon index t (0 = the action that will actually be sent).</summary>
    public int Step { get; }
    public int Count { get; }
    /// <summary>Predicted observation before the step [Count, obs_dim] (the real one at t = 0).</summary>
    public ReadOnlySpan<float> Obs { get; }
    /// <summary>Actions at step t [Count, act_dim].</summary>
    public ReadOnlySpan<float> Actions { get; }
    /// <summary>Actions at step t - 1 [Count, act_dim]; at t = 0 the action last sent to the robot.</summary>
    public ReadOnlySpan<float> PreviousActions { get; }
    /// <summary>Predicted observation after the step [Count, obs_dim].</summary>
    public ReadOnlySpan<float> NextObs { get; }
    /// <summary>Learned reward of the step [Count].</summary>
    public ReadOnlySpan<float> Reward { get; }
    /// <summary>Ensemble disagreement D of the step [Count].</summary>
    public ReadOnlySpan<float> Disagreement { get; }
}
