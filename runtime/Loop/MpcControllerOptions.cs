using Robotics.Runtime.Controllers;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Safety;

namespace Robotics.Runtime.Loop;

/// <summary>Which gate sits on the command path.</summary>
public enum GateKind
{
    /// <summary>The full safety gate (limits, e-stop, staleness, model checks with the model's card).</summary>
    Safety,
    /// <summary>No checks: for benchmarks and learning loops that must explore.</summary>
    PassThrough,
}

/// <summary>Everything needed to put a learned model, a planner and a gate in front of a robot.</summary>
public sealed record MpcControllerOptions
{
    public PlannerKind Planner { get; init; } = PlannerKind.Cem;
    public PlannerBudget Budget { get; init; } = new();
    public CostSettings Costs { get; init; } = new();
    /// <summary>Intra-op threads of the planner's model session (the gate's uses one).</summary>
    public int PlannerThreads { get; init; } = 2;
    public ProviderPreference Provider { get; init; } = ProviderPreference.Auto;
    public GateKind Gate { get; init; } = GateKind.Safety;
    /// <summary>Options of the safety gate; null: defaults (staleness relaxed when not real-time).</summary>
    public SafetyGateOptions? SafetyOptions { get; init; }
    public ControlLoopOptions Loop { get; init; } = new();
    public int Seed { get; init; }
    /// <summary>Score each planner iteration with one fused rollout call when the model and costs allow (same results, faster).</summary>
    public bool FusedRollout { get; init; } = true;

    /// <summary>The part the controller plug-in reads.</summary>
    public ControllerOptions ControllerOptions => new()
    {
        Planner = Planner, Budget = Budget, Costs = Costs, Threads = PlannerThreads, Provider = Provider, Seed = Seed, FusedRollout = FusedRollout,
    };

    public MpcControllerOptions Validate()
    {
        ControllerOptions.Validate();
        Loop.Validate();
        return this;
    }
}
