using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Tasks;

namespace Robotics.Runtime.Controllers;

/// <summary>
/// Finds a card's task (analytic cost, termination, safe action) in core's <see cref="TaskLibrary"/>, the
/// same library the simulator uses, so a real robot and a simulated one plan with the same cost.
/// </summary>
public static class TaskResolver
{
    /// <summary>
    /// Not real-time. The task the card's task_cost names, or null (with one warning line) when the card names
    /// none or the library does not know it: planners then use the learned reward. Bad parameters throw
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    public static ITaskDefinition? Resolve(ModelCard card, ILogger logger)
    {
        if (card.TaskCost is not { } section)
        {
            logger.LogWarning("task: the model card names no task_cost; planners use the learned reward");
            return null;
        }
        if (TaskLibrary.TryGet(section, out ITaskDefinition task)) return task;
        logger.LogWarning("task '{Task}' is not in the task library (known: {Known}); planners use the learned reward",
            section.Task, string.Join(", ", TaskLibrary.Ids));
        return null;
    }
}
