using Robotics.Core.Episodes;

namespace Robotics.Runtime.Loop;

/// <summary>
/// What one episode of the control loop did. <c>Steps</c> counts the transitions the loop saw (and recorded);
/// <c>Return</c> is the robot's, over all its steps (rewards of states the loop never read included, when the
/// driver counts them). <c>Interventions</c> counts commands the gate did not pass unchanged (decision != ok).
/// </summary>
public sealed record EpisodeReport(
    long Episode,
    int Steps,
    double Return,
    bool Terminated,
    bool Truncated,
    int Interventions,
    TimingSummary Timing,
    Episode? Transitions)
{
    /// <summary>Steps the robot took in the episode (from its state sequence numbers).</summary>
    public long RobotSteps { get; init; }
    /// <summary>Robot states the loop answered with a command.</summary>
    public int Answered { get; init; }
    /// <summary>Robot steps taken without a command answering the state before them.</summary>
    public long StepsWithoutFreshCommand => Math.Max(0, RobotSteps - Answered);
    /// <summary>Answered / robot steps (1 when the robot took none).</summary>
    public double AnsweredShare => RobotSteps == 0 ? 1 : Math.Min(1, (double)Answered / RobotSteps);
    /// <summary>True when the loop joined the robot mid-episode: return and steps cover only the part it saw.</summary>
    public bool Partial { get; init; }
    /// <summary>What the loop sent instead of the controller's plan during the episode (faults, deadline misses, stale ticks).</summary>
    public LoopCounters Loop { get; init; }
}
