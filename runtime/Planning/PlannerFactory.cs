using Robotics.Core.Spaces;
using Robotics.Core.Tasks;
using Robotics.Runtime.Planning.Mcts;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Planning;

/// <summary>Builds the planner a set of options describes.</summary>
public static class PlannerFactory
{
    /// <summary>
    /// Not real-time. Allocates every buffer the planner will use. <paramref name="task"/> tells MCTS which
    /// predicted states are terminal (null: none are); the sequence optimisers do not use it.
    /// </summary>
    public static IPlanner Create(PlannerOptions options, IBatchedWorldModel model, BoxSpace actionSpace,
                                  IReadOnlyList<ICostTerm> costs, Random rng, ITaskDefinition? task = null) => options switch
    {
        MctsOptions o => new MctsPlanner(model, actionSpace, costs, o, rng, task),
        CemOptions o => new CemPlanner(model, actionSpace, costs, o, rng),
        MppiOptions o => new MppiPlanner(model, actionSpace, costs, o, rng),
        IcemOptions o => new IcemPlanner(model, actionSpace, costs, o, rng),
        _ => throw new ArgumentException($"no planner for options of type {options.GetType().Name}"),
    };
}
