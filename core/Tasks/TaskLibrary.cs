using Robotics.Core.Models;

namespace Robotics.Core.Tasks;

/// <summary>
/// The one list of tasks (cost, termination, safe action) shared by the simulator and the runtime: the
/// runtime resolves a card's task_cost here, never through the simulator. Adding a task = its folder here
/// and one line below.
/// </summary>
public static class TaskLibrary
{
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, double>, ITaskDefinition>> Tasks = new(StringComparer.Ordinal)
    {
        [PendulumTask.TaskId] = p => new PendulumTask(p),
        [CartpoleSwingupTask.TaskId] = p => new CartpoleSwingupTask(CartpoleSwingupCostParameters.From(p)),
        [Reacher2DTask.TaskId] = p => new Reacher2DTask(Reacher2DCostParameters.From(p)),
        [CartpoleTask.TaskId] = p => new CartpoleTask(p),
        [PartialObservationTask.PendulumPositionId] = PartialObservationTask.PendulumPosition,
        [PartialObservationTask.CartpoleSwingupPositionId] = PartialObservationTask.CartpoleSwingupPosition,
    };

    private static readonly IReadOnlyDictionary<string, double> NoParameters = new Dictionary<string, double>();

    public static IReadOnlyCollection<string> Ids => Tasks.Keys;

    /// <summary>Not real-time. The task with its default parameters; false when the id is not in the library.</summary>
    public static bool TryGet(string taskId, out ITaskDefinition task) => TryGet(new TaskCostSection(taskId), out task);

    /// <summary>
    /// Not real-time. The task a card's task_cost names, with its parameters; false when the id is unknown.
    /// Throws <see cref="InvalidDataException"/> naming a parameter the task does not have or a bad value.
    /// </summary>
    public static bool TryGet(TaskCostSection section, out ITaskDefinition task)
    {
        if (!Tasks.TryGetValue(section.Task, out var create)) { task = null!; return false; }
        try { task = create(section.Parameters ?? NoParameters); }
        catch (ArgumentException e) { throw new InvalidDataException($"task '{section.Task}': {e.Message}", e); }
        return true;
    }
}

/// <summary>Reads named cost parameters from a card's dictionary, refusing names the task does not know.</summary>
internal static class TaskParameters
{
    public static double Get(IReadOnlyDictionary<string, double> p, string name, double fallback) =>
        p.TryGetValue(name, out double v) ? v : fallback;

    public static void OnlyKnown(string task, IReadOnlyDictionary<string, double> p, params string[] known)
    {
        foreach (string k in p.Keys)
            if (Array.IndexOf(known, k) < 0)
                throw new ArgumentException($"{task}: unknown cost parameter '{k}' (known: {string.Join(", ", known)})");
    }

    public static void Positive(string task, double v, string name)
    {
        if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentException($"{task}: {name} must be positive and finite, got {v}");
    }

    public static void NonNegative(string task, double v, string name)
    {
        if (!(v >= 0) || !double.IsFinite(v)) throw new ArgumentException($"{task}: {name} must be >= 0, got {v}");
    }
}
