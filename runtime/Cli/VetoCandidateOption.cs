using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Safety;

namespace Robotics.Runtime.Cli;

/// <summary><c>--veto-candidate</c>, defined and parsed once for the verbs that run the gate with its default options (demo, veto-eval).</summary>
public static class VetoCandidateOption
{
    public static Option<string> Create() => new("--veto-candidate")
    {
        Description = "which passing planner candidate replaces a vetoed proposal: lowest-u (lowest uncertainty) | planner (the planner's best-cost one)",
        DefaultValueFactory = _ => "lowest-u",
    };

    /// <summary>The gate's fallback with that candidate order; a one-line usage error for anything else.</summary>
    public static VetoFallbackOptions Parse(string value) => new(CandidateOrder: value.ToLowerInvariant() switch
    {
        "lowest-u" => VetoCandidateOrder.LowestUncertainty,
        "planner" => VetoCandidateOrder.PlannerOrder,
        var c => throw new UsageException($"--veto-candidate must be lowest-u or planner, got '{c}'"),
    });
}
