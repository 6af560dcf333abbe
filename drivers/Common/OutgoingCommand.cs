using Robotics.Core.Robots;

namespace Robotics.Drivers.Common;

/// <summary>What every driver does to a command before it goes on the wire.</summary>
internal static class OutgoingCommand
{
    /// <summary>
    /// Hot path, allocation-free. Copies <paramref name="src"/> into the driver's own <paramref name="dst"/>,
    /// gives it the driver's ttl when the loop set none, and replaces a non-finite action (which the gate
    /// should never let through) by the robot's safe action marked "fallback".
    /// </summary>
    public static void Prepare(CommandBuffer src, CommandBuffer dst, RobotSpec spec, TimeSpan defaultTtl)
    {
        src.Action.AsSpan().CopyTo(dst.Action);
        dst.Seq = src.Seq; dst.StateSeq = src.StateSeq; dst.Safety = src.Safety;
        dst.TtlMs = src.TtlMs > 0 ? src.TtlMs : (int)defaultTtl.TotalMilliseconds;
        foreach (float v in dst.Action)
            if (!float.IsFinite(v))
            {
                spec.SafeAction.AsSpan().CopyTo(dst.Action);
                dst.Safety = SafetyDecision.Fallback;
                return;
            }
    }
}
