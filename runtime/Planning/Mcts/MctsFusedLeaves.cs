using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Tasks;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Planning.Mcts;

/// <summary>
/// The fused rollout graph for MCTS leaf values: M rollouts of the options' horizon in one call, each step's cost
/// weighted by the options' discount^t and stopped at the task's first predicted terminal state, the same value
/// the step-by-step leaves compute. Null (the planner then steps leaves one model call per step) when the task's
/// terminal test has no ONNX form, or for the reasons <see cref="RolloutModelFactory"/> logs.
/// </summary>
public static class MctsFusedLeaves
{
    /// <summary>Not real-time.</summary>
    public static OnnxRolloutModel? TryCreate(string stepModelPath, ModelCard card, MctsOptions options, CostSettings costs,
                                              IAnalyticCost? analytic, ITaskDefinition? task, WorldModelOptions modelOptions, ILogger logger)
    {
        if (options.Rollouts == 0) return null;
        var termination = task?.GraphTermination;
        if (task is not null && termination is null)
        {
            logger.LogInformation("mcts: leaf rollouts step by step (task '{Task}' has no ONNX form of its terminal test)", task.Id);
            return null;
        }
        return RolloutModelFactory.TryCreate(stepModelPath, card, options.Horizon, costs, analytic, modelOptions with { MaxBatch = options.Rollouts },
                                             logger, options.Discount, termination);
    }
}
