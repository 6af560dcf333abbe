namespace Robotics.Core.Onnx.Ensemble;

/// <summary>Input and output names of the ensemble's ONNX graphs: the step graph and the fused rollout graph.</summary>
public static class EnsembleGraphNames
{
    // Step graph (one model call per horizon step).
    public const string Obs = "obs";                         // [N, obs_dim]
    public const string Action = "action";                   // [N, act_dim]
    public const string NextObs = "next_obs";                // [N, obs_dim], mean over elites
    public const string Reward = "reward";                   // [N]
    public const string NextObsMembers = "next_obs_members"; // [E, N, obs_dim]
    public const string Disagreement = "disagreement";       // [N]

    // Fused rollout graph (one model call per planner iteration).
    public const string Obs0 = "obs0";                       // [obs_dim]
    public const string Actions = "actions";                 // [P, H, act_dim]
    public const string LastAction = "last_action";          // [act_dim], the action last sent (action-rate cost at t = 0)
    public const string Cost = "cost";                       // [P], summed over the horizon
    public const string RolloutDisagreement = "disagreement"; // [P], D summed over the horizon

    /// <summary>Metadata key of the rollout graph holding its horizon (also fixed in the actions input shape).</summary>
    public const string HorizonKey = "robotics.rollout.horizon";
    /// <summary>Metadata key describing the cost built into the rollout graph.</summary>
    public const string CostKey = "robotics.rollout.cost";
    /// <summary>The model card capability that announces a fused rollout graph next to the step graph.</summary>
    public const string RolloutCapability = "rollout";
}
