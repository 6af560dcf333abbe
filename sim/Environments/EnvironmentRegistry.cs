using Robotics.Sim.Mujoco.Tasks;

namespace Robotics.Sim.Environments;

/// <summary>
/// Creates environments by id. The one place that lists the built-in robots: the hand-written 2-D ones and
/// the MuJoCo tasks (<see cref="MujocoTasks"/>, ids "mj-...", options after ':' such as "mj-cartpole-swingup:repeat=4").
/// </summary>
public static class EnvironmentRegistry
{
    private static readonly Dictionary<string, Func<int, IEnvironment>> Factories = new(StringComparer.Ordinal)
    {
        ["pendulum"] = seed => new Pendulum(seed),
        ["cartpole-swingup"] = seed => new CartpoleSwingup(seed),
        ["reacher2d"] = seed => new Reacher2D(seed),
        ["cartpole"] = seed => new Cartpole(seed),
        // Partial observability (issue 16): the same robots with position-only sensors.
        ["pendulum-pos"] = PartialObservationEnvironment.PendulumPosition,
        ["cartpole-swingup-pos"] = PartialObservationEnvironment.CartpoleSwingupPosition,
    };

    public static IReadOnlyCollection<string> Ids { get; } = [.. Factories.Keys, .. MujocoTasks.Ids];

    public static bool Exists(string id) => Factories.ContainsKey(id) || MujocoTasks.Exists(id);

    /// <summary>Throws <see cref="ArgumentException"/> listing the known ids when <paramref name="id"/> is unknown.</summary>
    public static IEnvironment Create(string id, int seed = 0) =>
        Factories.TryGetValue(id, out var f)
            ? f(seed)
            : MujocoTasks.Exists(id)
                ? MujocoTasks.Create(id, seed)
                : throw new ArgumentException($"unknown environment '{id}' (known: {string.Join(", ", Factories.Keys)})");
}
