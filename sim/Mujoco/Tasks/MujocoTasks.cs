namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>The MuJoCo tasks by id (DMC names with an "mj-" prefix); <see cref="Environments.EnvironmentRegistry"/> lists them.</summary>
public static class MujocoTasks
{
    private static readonly Dictionary<string, Func<int, MujocoTaskOptions, MujocoTask>> Factories = new(StringComparer.Ordinal)
    {
        ["mj-cartpole-balance"] = (seed, o) => new CartpoleTask(swingUp: false, sparse: false, seed, o),
        ["mj-cartpole-swingup"] = (seed, o) => new CartpoleTask(swingUp: true, sparse: false, seed, o),
        ["mj-cartpole-swingup-sparse"] = (seed, o) => new CartpoleTask(swingUp: true, sparse: true, seed, o),
        [PendulumSwingupTask.TaskId] = (seed, o) => new PendulumSwingupTask(seed, o),
        ["mj-reacher-easy"] = (seed, o) => new ReacherTask(hard: false, seed, o),
        ["mj-reacher-hard"] = (seed, o) => new ReacherTask(hard: true, seed, o),
        [CheetahRunTask.TaskId] = (seed, o) => new CheetahRunTask(seed, o),
        [Arm3ReachTask.TaskId] = (seed, o) => new Arm3ReachTask(seed, o),
    };

    public static IReadOnlyCollection<string> Ids => Factories.Keys;

    /// <summary>True for a task id, with or without options (<see cref="MujocoTaskId"/>).</summary>
    public static bool Exists(string id) =>
        MujocoTaskId.TryParse(id, out string baseId, out _, out _) && Factories.ContainsKey(baseId);

    /// <summary>Not real-time. Loads the model and builds the task; throws <see cref="MujocoException"/> when MuJoCo does not load.</summary>
    public static MujocoTask Create(string id, int seed = 0, MujocoTaskOptions? options = null)
    {
        if (!MujocoTaskId.TryParse(id, out string baseId, out var parsed, out string? error)) throw new ArgumentException(error);
        if (!Factories.TryGetValue(baseId, out var factory))
            throw new ArgumentException($"unknown MuJoCo task '{baseId}' (known: {string.Join(", ", Factories.Keys)})");
        var o = options ?? parsed;
        if (options is not null && id.Contains(':', StringComparison.Ordinal))
            o = options with { ActionRepeat = parsed.ActionRepeat, Randomisation = parsed.Randomisation.IsNone ? options.Randomisation : parsed.Randomisation };
        return factory(seed, o);
    }
}
