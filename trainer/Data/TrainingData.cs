using Robotics.Core.Episodes;
using Robotics.Sim.Environments;

namespace Robotics.Trainer.Data;

/// <summary>Checked transitions of one environment, read from an episode directory, with the data's digest.</summary>
public sealed record TrainingData(IEnvironment Environment, IReadOnlyList<Transition> Transitions, string Digest, int Files)
{
    /// <summary>Footer keys written by the collect verb.</summary>
    public const string EnvKey = "robotics.env", ObservationNamesKey = "robotics.observation_names", ActionNamesKey = "robotics.action_names";

    /// <summary>
    /// Reads every *.parquet file of <paramref name="directory"/> (name order) and checks it against the
    /// environment: <paramref name="envId"/> when given, else the files' <see cref="EnvKey"/> footer entry.
    /// Throws <see cref="InvalidDataException"/> naming the file (and row) for: no files, an empty or
    /// unreadable file, files of different environments or space names, rows whose sizes disagree with the
    /// environment's spaces, and NaN or infinite values.
    /// </summary>
    public static TrainingData Load(string directory, string? envId = null)
    {
        if (!Directory.Exists(directory)) throw new InvalidDataException($"data directory '{directory}' does not exist");
        var files = EpisodeFiles.List(directory);
        if (files.Count == 0) throw new InvalidDataException($"'{directory}' holds no *{EpisodeFiles.Extension} episode files");

        string? env = envId;
        string? envSource = envId is null ? null : "--env";
        var transitions = new List<Transition>();
        IEnvironment? environment = envId is null ? null : Create(envId, "--env");
        foreach (string file in files)
        {
            string name = Path.GetFileName(file);
            var (rows, meta) = Read(file, name);
            if (meta.TryGetValue(EnvKey, out var fileEnv))
            {
                if (env is null) { env = fileEnv; envSource = name; environment = Create(fileEnv, name); }
                else if (fileEnv != env) throw new InvalidDataException($"{name}: recorded on '{fileEnv}' but {envSource} says '{env}'");
            }
            if (rows.Count == 0) throw new InvalidDataException($"{name}: holds no transitions");
            if (environment is null)
                throw new InvalidDataException($"{name}: has no '{EnvKey}' footer entry; pass --env to say which environment the data is from");
            CheckNames(name, meta, ObservationNamesKey, environment.ObservationSpace.Names);
            CheckNames(name, meta, ActionNamesKey, environment.ActionSpace.Names);
            for (int r = 0; r < rows.Count; r++) CheckRow(name, r, rows[r], environment);
            transitions.AddRange(rows);
        }
        return new TrainingData(environment!, transitions, EpisodeReader.Digest(directory), files.Count);
    }

    private static (IReadOnlyList<Transition> Rows, IReadOnlyDictionary<string, string> Meta) Read(string file, string name)
    {
        try
        {
            return (EpisodeReader.ReadFile(file), EpisodeReader.ReadMetadata(file));
        }
        catch (Exception e) when (e is not InvalidDataException and not OperationCanceledException and not OutOfMemoryException)
        {
            // Parquet.Net reports corrupt files with several exception types; name the file either way.
            throw new InvalidDataException($"{name}: not a readable episode file ({e.Message})", e);
        }
    }

    private static IEnvironment Create(string id, string source) =>
        EnvironmentRegistry.Exists(id)
            ? EnvironmentRegistry.Create(id)
            : throw new InvalidDataException($"{source}: unknown environment '{id}' (known: {string.Join(", ", EnvironmentRegistry.Ids)})");

    private static void CheckNames(string file, IReadOnlyDictionary<string, string> meta, string key, string[] expected)
    {
        if (meta.TryGetValue(key, out var names) && names != string.Join(",", expected))
            throw new InvalidDataException($"{file}: {key} '{names}' differs from the environment's '{string.Join(",", expected)}'");
    }

    private static void CheckRow(string file, int row, Transition t, IEnvironment env)
    {
        int obs = env.ObservationSpace.Dimension, act = env.ActionSpace.Dimension;
        if (t.Obs.Length != obs || t.NextObs.Length != obs || t.Action.Length != act)
            throw new InvalidDataException(
                $"{file} row {row}: obs/action/next_obs have {t.Obs.Length}/{t.Action.Length}/{t.NextObs.Length} values, '{env.Id}' has {obs}/{act}/{obs}");
        if (FirstNonFinite(t.Obs) is string o) throw new InvalidDataException($"{file} row {row}: obs {o}");
        if (FirstNonFinite(t.Action) is string a) throw new InvalidDataException($"{file} row {row}: action {a}");
        if (FirstNonFinite(t.NextObs) is string n) throw new InvalidDataException($"{file} row {row}: next_obs {n}");
        if (!float.IsFinite(t.Reward)) throw new InvalidDataException($"{file} row {row}: reward is {t.Reward}");
    }

    private static string? FirstNonFinite(float[] xs)
    {
        for (int i = 0; i < xs.Length; i++)
            if (!float.IsFinite(xs[i])) return $"[{i}] is {xs[i]}";
        return null;
    }
}
