using Robotics.Core.Robots;

namespace Robotics.Core.Episodes;

/// <summary>Where a transition came from; stored as "sim" or "real".</summary>
public enum DataSource : byte { Sim = 0, Real = 1 }

/// <summary>
/// One recorded step: one row of the Parquet episode store (column names in <see cref="EpisodeSchema"/>).
/// <paramref name="Vetoed"/>: the gate replaced the command; <paramref name="Safety"/>: what the gate did (a clamp
/// shows here, not in Vetoed); <see cref="Replaces"/> says which decisions are vetoes. <paramref name="Proposed"/>: the
/// controller's proposal as the gate judged it (null: not recorded, files before the column; use <see cref="Judged"/>).
/// </summary>
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
    bool Vetoed,
    SafetyDecision Safety = SafetyDecision.Ok,
    float[]? Proposed = null)
{
    /// <summary>The action the gate's model checks judged: <see cref="Proposed"/>, else the action sent (older files).</summary>
    public float[] Judged => Proposed ?? Action;

    /// <summary>True when the decision replaced the command rather than passed or clamped it.</summary>
    public static bool Replaces(SafetyDecision d) => d is SafetyDecision.Vetoed or SafetyDecision.Fallback or SafetyDecision.EStop;
}

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
