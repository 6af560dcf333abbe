namespace Robotics.Core.Episodes;

/// <summary>Where a transition came from; stored as "sim" or "real".</summary>
public enum DataSource : byte { Sim = 0, Real = 1 }

/// <summary>One recorded step: one row of the Parquet episode store (column names in <see cref="EpisodeSchema"/>).</summary>
public sealed record Transition(
    long Episode,
    int Step,
    double Time,
    float[] Obs,
    float[] Action,
    float Reward,
    float[] NextObs,
    bool Terminated,
    bool Truncated,
    DataSource Source,
    string RobotId,
    bool Vetoed);

/// <summary>An episode: its transitions in step order.</summary>
public sealed record Episode(long Id, IReadOnlyList<Transition> Transitions)
{
    /// <summary>
    /// Key-value pairs of this episode alone (e.g. its randomised physics), written into its file's footer
    /// over the writer's own metadata; null for none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public float Return => Transitions.Sum(t => t.Reward);
    public int Length => Transitions.Count;
}
