using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;

namespace Robotics.Safety.Audit;

/// <summary>
/// The gate's structured log events. Source-generated: nothing is formatted or allocated unless the
/// logger is enabled for the level, and the values travel as typed fields (no boxing on the call).
/// Event ids: 6000-6099.
/// </summary>
internal static partial class SafetyAuditLog
{
    /// <summary>One check acted on a command. Dim is -1 when the check is not about one dimension.</summary>
    [LoggerMessage(EventId = 6001, EventName = "SafetyCheck", Level = LogLevel.Warning,
        Message = "safety {Check}: {Decision} at {Time:o}, state seq {StateSeq}, dim {Dim}, value {Value}, limit {Limit}")]
    public static partial void CheckActed(ILogger logger, SafetyCheck check, SafetyDecision decision, DateTimeOffset time,
                                          long stateSeq, int dim, float value, float limit);

    [LoggerMessage(EventId = 6002, EventName = "SafetyEStopReleased", Level = LogLevel.Warning,
        Message = "safety estop: released at {Time:o}, state seq {StateSeq}")]
    public static partial void EStopReleased(ILogger logger, DateTimeOffset time, long stateSeq);

    [LoggerMessage(EventId = 6004, EventName = "SafetyModelFailed", Level = LogLevel.Error,
        Message = "safety model_output: the model threw predicting {Rows} rows (state seq {StateSeq}); falling back")]
    public static partial void ModelFailed(ILogger logger, int rows, long stateSeq, Exception exception);

    [LoggerMessage(EventId = 6003, EventName = "SafetyGateCreated", Level = LogLevel.Information,
        Message = "safety gate for robot {RobotId}: checks {Checks}; uncertainty threshold {Threshold}")]
    public static partial void Created(ILogger logger, string robotId, string checks, float threshold);
}
