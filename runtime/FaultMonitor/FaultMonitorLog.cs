using Microsoft.Extensions.Logging;

namespace Robotics.Runtime.FaultMonitor;

/// <summary>The fault monitor's safety events (source-generated: no formatting unless the level is on).</summary>
internal static partial class FaultMonitorLog
{
    [LoggerMessage(EventId = 6010, EventName = "ActuatorFaultAlarm", Level = LogLevel.Warning,
        Message = "safety: actuator fault alarm on robot '{Robot}' at transition {Step} of the episode: smoothed residual {Smoothed:F3} > threshold {Threshold:F3}; e-stop {EStop}")]
    public static partial void Alarm(ILogger logger, string robot, long step, float smoothed, float threshold, string estop);

    [LoggerMessage(EventId = 6011, EventName = "ActuatorFaultMonitorFailed", Level = LogLevel.Error,
        Message = "safety: actuator fault monitor on robot '{Robot}' failed ({Count} so far): {Error}")]
    public static partial void Failed(ILogger logger, string robot, long count, string error);
}
