using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Core.Tasks;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Planning.Mcts;

/// <summary>
/// The fused rollout graph for MCTS leaf values: M rollouts of the options' horizon in one call, each step's cost
/// weighted by the options' discount^t and stopped at the task's first predicted terminal state, the same value
/// the step-by-step leaves compute, each rollout from its own start state so a Gumbel round's leaves share one call
/// (<see cref="MctsOptions.BatchRounds"/>). Null (the planner then steps leaves one model call per step) when the task's
/// terminal test has no ONNX form, or for the reasons <see cref="RolloutModelFactory"/> logs.
/// </summary>
public static class MctsFusedLeaves
{
    /// <summary>The members' layer layout of the leaf graph when none is asked for.</summary>
    public const EnsembleForward.Layout DefaultLayout = EnsembleForward.Layout.PerMember;
    /// <summary>
    /// The leaf graph's <see cref="WorldModelOptions.MinShardCandidates"/> when none is asked for: a leaf call of fewer than
    /// 32 rollouts (cartpole's round: 2 leaves x 8) runs on the caller's thread alone, since at that size the graph's time
    /// is its operators' overhead, which a second slice does not divide, and each hand-off costs a wake-up.
    /// </summary>
    public const int DefaultMinShardCandidates = 16;

    /// <summary>Not real-time.</summary>
    public static OnnxRolloutModel? TryCreate(string stepModelPath, ModelCard card, MctsOptions options, CostSettings costs,
                                              IAnalyticCost? analytic, ITaskDefinition? task, WorldModelOptions modelOptions, ILogger logger,
                                              EnsembleForward.Layout? layout = null, int? minShardCandidates = null)
    {
        if (options.Rollouts == 0) return null;
        var termination = task?.GraphTermination;
        if (task is not null && termination is null)
        {
            logger.LogInformation("mcts: leaf rollouts step by step (task '{Task}' has no ONNX form of its terminal test)", task.Id);
            return null;
        }
        // Sized for one Gumbel round's leaves (each its own start state) in one call.
        int leaves = options.RoundLeaves(options.Branching(card.ActionSpace.Names.Length));
        return RolloutModelFactory.TryCreate(stepModelPath, card, options.Horizon, costs, analytic, modelOptions with { MaxBatch = leaves * options.Rollouts, MinShardCandidates = minShardCandidates ?? DefaultMinShardCandidates },
                                             logger, options.Discount, termination, perCandidateStart: true, layout: layout ?? DefaultLayout);
    }
}
