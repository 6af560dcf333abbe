namespace Robotics.Runtime.Models;

/// <summary>Input and output names of the exported step graph (the trainer's export contract).</summary>
public static class StepGraph
{
    public const string Obs = "obs";                       // [N, obs_dim]
    public const string Action = "action";                 // [N, act_dim]
    public const string NextObs = "next_obs";              // [N, obs_dim], mean over elites
    public const string Reward = "reward";                 // [N]
    public const string NextObsMembers = "next_obs_members"; // [E, N, obs_dim]
    public const string Disagreement = "disagreement";     // [N]
}
