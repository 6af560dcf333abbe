using System.Globalization;

namespace Robotics.Runtime.FaultMonitor;

/// <summary>
/// What the actuator-fault monitor saw over one episode: transitions checked, transitions skipped (the loop missed
/// states, or into a clipped state), whether and at which transition of the episode (1-based, skipped ones counted) it alarmed, the largest
/// smoothed residual, and the threshold it compared against.
/// </summary>
public sealed record FaultMonitorEpisode(long Checked, long Skipped, bool Alarmed, long AlarmStep, float MaxSmoothed, float Threshold, long Errors)
{
    public override string ToString()
    {
        string s = Alarmed
            ? FormattableString.Invariant($"fault monitor: ALARM at step {AlarmStep} (max smoothed residual {MaxSmoothed:F3} > threshold {Threshold:F3}); {Checked} checked, {Skipped} skipped")
            : FormattableString.Invariant($"fault monitor: no alarm (max smoothed residual {MaxSmoothed:F3}, {(Threshold < float.MaxValue ? FormattableString.Invariant($"threshold {Threshold:F3}") : "calibrating")}); {Checked} checked, {Skipped} skipped");
        return Errors > 0 ? s + $", {Errors} errors" : s;
    }
}
