using System.Globalization;
using Robotics.Drivers.Common;
using Robotics.Safety;

namespace Robotics.Runtime.Demo;

/// <summary>
/// The closing summary of <c>robotics demo</c> as plain lines (same text live or redirected, so CI logs and
/// tests read it): return per episode, plan time, overruns, safety counts per check, MQTT counters.
/// </summary>
public static class DemoSummary
{
    public static IReadOnlyList<string> Lines(IReadOnlyList<DemoEpisodeResult> episodes, SafetyCounts? safetyTotal,
                                              DriverCounters? runtimeMqtt, DriverCounters robotMqtt, long robotCommands,
                                              long robotSafeActionSteps, int robotEpisodeSteps, bool realtime)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string> { "summary" };
        foreach (var e in episodes)
            lines.Add(string.Format(inv, "  episode {0}: return {1:F1} over {2} steps, final angle {3:+0.0;-0.0;0.0}°, swung up {4} (|angle| < {5}° for the last {6} steps: {7})",
                e.Report.Episode, e.Report.Return, e.Report.Steps, e.FinalAngleDeg, e.SwungUp ? "yes" : "no",
                DemoEpisodeResult.UprightDeg, DemoEpisodeResult.TailToHold, e.UprightTailSteps));
        double mean = episodes.Average(e => e.Report.Return);
        lines.Add(string.Format(inv, "  return: mean {0:F1} over {1} episodes, swung up {2}/{1}", mean, episodes.Count, episodes.Count(e => e.SwungUp)));
        var medians = episodes.Select(e => e.Report.Timing.PlanMsMedian).Where(double.IsFinite).Order().ToArray();
        double median = medians.Length == 0 ? double.NaN : medians[medians.Length / 2];
        double p99 = episodes.Select(e => e.Report.Timing.PlanMsP99).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        double period = episodes.Select(e => e.Report.Timing.PeriodMsMedian).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        lines.Add(string.Format(inv, "  plan time: median {0:F1} ms, p99 {1:F1} ms (median of episode medians, worst episode p99); measured period {2:F1} ms",
            median, p99, period));
        int ticks = episodes.Sum(e => e.Report.Timing.Ticks);
        lines.Add(string.Format(inv, "  overruns: {0} of {1} ticks took longer than the control period", episodes.Sum(e => e.Report.Timing.Overruns), ticks));
        if (realtime && episodes.Any(e => e.Report.Steps < robotEpisodeSteps))
            lines.Add(string.Format(inv, "  note: the loop commanded {0} of the robot's {1} steps; plans slower than the control period skip steps " +
                "(returns count only the steps the loop saw). --mode lockstep or a smaller --population fits this machine.",
                string.Join(", ", episodes.Select(e => e.Report.Steps)), robotEpisodeSteps));
        lines.Add("  safety: " + (safetyTotal?.ToString() ?? "gate off"));
        lines.Add("  mqtt runtime: " + (runtimeMqtt?.ToString() ?? "n/a"));
        lines.Add(string.Format(inv, "  mqtt robot: {0} commands received, {1} rejected, {2} steps on the safe action (no live command)",
            robotCommands, robotMqtt.CommandsRejected, robotSafeActionSteps));
        return lines;
    }
}
