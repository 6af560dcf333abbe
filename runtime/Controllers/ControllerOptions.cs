using Robotics.Runtime.Controllers.LatentMpc;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Controllers;

/// <summary>
/// The settings a controller plug-in may read (each reads what concerns it: a planner its budget and costs,
/// a policy only the provider). Immutable; validated at start-up.
/// </summary>
public sealed record ControllerOptions
{
    public PlannerKind Planner { get; init; } = PlannerKind.Cem;
    public PlannerBudget Budget { get; init; } = new();
    public CostSettings Costs { get; init; } = new();
    /// <summary>Intra-op threads of the controller's model session (the gate's predictor uses one).</summary>
    public int Threads { get; init; } = 2;
    public ProviderPreference Provider { get; init; } = ProviderPreference.Auto;
    /// <summary>Seed of the controller's sampling.</summary>
    public int Seed { get; init; }
    /// <summary>Score each planner iteration with one fused rollout call when the model and costs allow (same results, faster).</summary>
    public bool FusedRollout { get; init; } = true;
    /// <summary>Tracking controller (kind inverse-dynamics): the recorded episode (.parquet) whose states it follows.</summary>
    public string? Reference { get; init; }
    /// <summary>Latent MPPI budget of a <c>latent-mpc</c> model (TD-MPC2); its horizon is the card's, whatever is set here.</summary>
    public LatentMppiOptions Latent { get; init; } = LatentMppiOptions.RealTime;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public ControllerOptions Validate()
    {
        if (Threads is < 1 or > 256) throw new ArgumentException($"threads must be in [1, 256], got {Threads}");
        Budget.OptionsFor(Planner);
        Latent.Validate();
        if (!(Costs.UncertaintyLambda >= 0) || !float.IsFinite(Costs.UncertaintyLambda))
            throw new ArgumentException($"uncertainty lambda must be finite and >= 0, got {Costs.UncertaintyLambda}");
        if (!(Costs.ActionRateWeight >= 0) || !float.IsFinite(Costs.ActionRateWeight))
            throw new ArgumentException($"action-rate weight must be finite and >= 0, got {Costs.ActionRateWeight}");
        return this;
    }
}
