using Robotics.Core.Episodes;
using Robotics.Runtime.Loop;
using Robotics.Safety;

namespace Robotics.Runtime.Demo;

/// <summary>One demo episode: the loop's report, the gate's counts over it, and how upright it ended.</summary>
public sealed record DemoEpisodeResult(EpisodeReport Report, SafetyCounts? Safety, double FinalAngleDeg, int UprightTailSteps)
{
    /// <summary>|angle| below which the pendulum counts as up.</summary>
    public const double UprightDeg = 15;
    /// <summary>Consecutive final steps that must be upright for the episode to count as swung up.</summary>
    public const int TailToHold = 20;

    public bool SwungUp => UprightTailSteps >= TailToHold;

    /// <summary>Not real-time. Reads the final angle and the upright run at the end from the recorded transitions.</summary>
    public static DemoEpisodeResult From(EpisodeReport report, SafetyCounts? safety)
    {
        IReadOnlyList<Transition> steps = report.Transitions?.Transitions ?? [];
        double finalDeg = double.NaN;
        int tail = 0;
        if (steps.Count > 0) finalDeg = Deg(steps[^1].NextObs);
        for (int i = steps.Count - 1; i >= 0 && Math.Abs(Deg(steps[i].NextObs)) < UprightDeg; i--) tail++;
        return new DemoEpisodeResult(report, safety, finalDeg, tail);
    }

    private static double Deg(float[] obs) => PendulumSketch.Angle(obs) * 180 / Math.PI;
}
