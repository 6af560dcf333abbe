using System.Globalization;

namespace Robotics.Runtime.Session;

/// <summary>The per-episode and closing lines every verb prints the same way (run, serve-runtime, demo).</summary>
public static class SessionReport
{
    /// <summary>
    /// "episode 0: return -123.4 over 200 robot steps; answered 199, missed 1; state->command 10.1 ms median /
    /// 13.9 ms p99; plan ... ms p99, overruns 0, gate interventions 2; loop: faults 0, deadline misses 0, stale ticks 0, safe actions sent 0".
    /// </summary>
    public static string EpisodeLine(SessionEpisode e)
    {
        var r = e.Report;
        return string.Create(CultureInfo.InvariantCulture,
            $"episode {r.Episode}{(r.Partial ? " (partial: joined mid-episode)" : "")}: return {r.Return:F1} over {r.RobotSteps} robot steps; " +
            $"answered {r.Answered} ({100 * r.AnsweredShare:F1}%), missed {r.StepsWithoutFreshCommand}; " +
            $"state->command {r.Timing.DelayMsMedian:F1} ms median / {r.Timing.DelayMsP99:F1} ms p99; " +
            $"plan {r.Timing.PlanMsMedian:F1} ms median / {r.Timing.PlanMsP99:F1} ms p99, overruns {r.Timing.Overruns}, gate interventions {r.Interventions}; loop: {r.Loop}");
    }

    /// <summary>The run's loop counters over every episode, the interrupted one included: "loop: faults 0, deadline misses 0, ...".</summary>
    public static string LoopLine(Loop.LoopCounters counters) => $"loop: {counters}";

    /// <summary>Mean return over the whole episodes (partial ones left out, and said so).</summary>
    public static string MeanLine(IReadOnlyList<SessionEpisode> episodes)
    {
        var whole = episodes.Where(e => !e.Report.Partial).ToList();
        int partial = episodes.Count - whole.Count;
        string tail = partial > 0 ? $" ({partial} partial left out)" : "";
        return whole.Count == 0
            ? $"no whole episode{tail}"
            : string.Create(CultureInfo.InvariantCulture, $"mean return {whole.Average(e => e.Report.Return):F1} over {whole.Count} episodes{tail}");
    }
}
