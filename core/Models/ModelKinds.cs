namespace Robotics.Core.Models;

/// <summary>
/// The kinds of model a card can describe (card field <c>kind</c>). The runtime's controller registry maps a
/// kind onto the controller that drives a robot with it; a kind no controller is registered for is refused
/// before any command. The list is open: a new kind needs no change here, only its controller plug-in.
/// </summary>
public static class ModelKinds
{
    /// <summary>A probabilistic ensemble one-step model (PETS): planned over by MPC, and a safety predictor.</summary>
    public const string EnsembleDynamics = "ensemble-dynamics";
    /// <summary>A feed-forward policy obs -> action (MBPO/SAC).</summary>
    public const string Policy = "policy";
    /// <summary>A latent world model planned over in latent space (TD-MPC2).</summary>
    public const string LatentMpc = "latent-mpc";
    /// <summary>A policy carrying a belief across steps (DreamerV3); fed the action actually sent.</summary>
    public const string RecurrentPolicy = "recurrent-policy";
    /// <summary>(obs, desired next obs) -> action, for tracking a reference.</summary>
    public const string InverseDynamics = "inverse-dynamics";

    public static IReadOnlyList<string> Known { get; } = [EnsembleDynamics, Policy, LatentMpc, RecurrentPolicy, InverseDynamics];

    /// <summary>True for lower-case kebab names ("ensemble-dynamics"): what a card's kind must look like.</summary>
    public static bool IsWellFormed(string? kind) =>
        !string.IsNullOrEmpty(kind) && kind.Length <= 64 && char.IsAsciiLetterLower(kind[0])
        && kind.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}

/// <summary>Roles of the graphs a card lists under <c>graphs</c> (role -> where the graph is).</summary>
public static class GraphRoles
{
    /// <summary>Ensemble step: obs, action -> next_obs, reward, next_obs_members, disagreement.</summary>
    public const string Step = "step";
    /// <summary>obs -> action.</summary>
    public const string Policy = "policy";
    public const string Encoder = "encoder";
    public const string Dynamics = "dynamics";
    public const string Reward = "reward";
    public const string Value = "value";
    /// <summary>A recurrent step: belief, obs, last sent action -> belief, action.</summary>
    public const string Recurrent = "recurrent";
    public const string InverseDynamics = "inverse-dynamics";
}
