namespace Robotics.Sim.Environments;

/// <summary>
/// A robot whose observation carries a goal its dynamics ignore (the reacher's target). Replacing the goal of a recorded
/// transition gives another true transition, so a world model can be shown goals the robot never had (hindsight-style
/// relabelling). Without it, an ensemble is uncertain about an input that does not matter: a target between the few the
/// training episodes had makes it disagree for the whole episode. Not real-time.
/// </summary>
public interface IGoalRelabelling
{
    /// <summary>Length of the goal <see cref="DrawGoal"/> writes.</summary>
    int GoalDimension { get; }

    /// <summary>Draws a goal from the robot's own goal distribution (as its reset does) into <paramref name="goal"/>.</summary>
    void DrawGoal(Random rng, Span<float> goal);

    /// <summary>
    /// Writes into <paramref name="newObs"/> and <paramref name="newNext"/> the transition (<paramref name="obs"/>,
    /// <paramref name="action"/>, <paramref name="nextObs"/>) under <paramref name="goal"/>, and returns its reward under it.
    /// </summary>
    float Relabel(ReadOnlySpan<float> obs, ReadOnlySpan<float> action, ReadOnlySpan<float> nextObs, ReadOnlySpan<float> goal,
                  Span<float> newObs, Span<float> newNext);
}
