using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;

namespace Robotics.Drivers.Common;

/// <summary>The runtime side of an operator's two-step e-stop reset, shared by the MQTT and serial drivers.</summary>
public static class EStopReset
{
    /// <summary>Not real-time. One step of an operator's reset on the runtime's latch; shared with the serial driver.</summary>
    public static void Apply(EStopLatch? latch, EStopAction step, string reason, TimeProvider time, ILogger logger, DriverCounters counters, string who)
    {
        if (latch is null || !latch.IsEngaged) return;
        if (step == EStopAction.Release)
        {
            latch.RequestRelease(time.GetTimestamp());
            logger.LogWarning("{Who}: e-stop release requested ({Reason}); re-arm within {Window} s", who, reason, latch.ReleaseWindow.TotalSeconds);
        }
        else if (step == EStopAction.ReArm)
        {
            if (latch.ReArm(time.GetTimestamp())) logger.LogWarning("{Who}: e-stop re-armed ({Reason}); releasing on the next state", who, reason);
            else
            {
                Interlocked.Increment(ref counters._estopRefused);
                logger.LogWarning("{Who}: re-arm refused: no release request within {Window} s", who, latch.ReleaseWindow.TotalSeconds);
            }
        }
    }
}
