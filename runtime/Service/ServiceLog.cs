using Microsoft.Extensions.Logging;

namespace Robotics.Runtime.Service;

/// <summary>
/// The service's log events, each with a stable id a log shipper can filter on (7000-7099; the gate's audit is
/// 6001). Source-generated, so a disabled level costs nothing.
/// </summary>
internal static partial class ServiceLog
{
    [LoggerMessage(7001, LogLevel.Information, "service: started: {Line}")]
    public static partial void Started(ILogger logger, string line);

    [LoggerMessage(7002, LogLevel.Warning, "service: robot not reachable ({Error}); retrying in {RetryMs} ms")]
    public static partial void RobotUnreachable(ILogger logger, string error, double retryMs);

    [LoggerMessage(7003, LogLevel.Information, "service: driving robot {Robot} with model {Kind}/{Algo} sha256 {Digest}")]
    public static partial void Driving(ILogger logger, string robot, string kind, string algo, string digest);

    [LoggerMessage(7004, LogLevel.Information, "service: {Line}")]
    public static partial void Episode(ILogger logger, string line);

    [LoggerMessage(7005, LogLevel.Warning, "service: robot sent no state to start an episode ({Error}); waiting")]
    public static partial void NoFirstState(ILogger logger, string error);

    [LoggerMessage(7006, LogLevel.Information, "service: stopping: {Reason}")]
    public static partial void Stopping(ILogger logger, string reason);

    [LoggerMessage(7007, LogLevel.Information, "service: http endpoint on http://{EndPoint}/ (/health/live, /health/ready, /metrics, POST /reload)")]
    public static partial void HttpListening(ILogger logger, string endPoint);

    [LoggerMessage(7010, LogLevel.Information, "reload: model {Path} sha256 {Digest} now drives robot {Robot} (was {Old}; kept for rollback); {Checks}")]
    public static partial void Reloaded(ILogger logger, string path, string digest, string robot, string old, string checks);

    [LoggerMessage(7011, LogLevel.Warning, "reload: refused {Path}: {Reason}; model {Digest} keeps running")]
    public static partial void ReloadRefused(ILogger logger, string path, string reason, string digest);

    [LoggerMessage(7012, LogLevel.Information, "reload: requested by {Trigger}")]
    public static partial void ReloadRequested(ILogger logger, string trigger);

    [LoggerMessage(7020, LogLevel.Information, "watchdog: systemd notify socket {Socket}, ping every {IntervalMs} ms while the loop meets its deadlines")]
    public static partial void WatchdogOn(ILogger logger, string socket, double intervalMs);

    [LoggerMessage(7021, LogLevel.Warning, "watchdog: ping withheld: {Reason}")]
    public static partial void WatchdogWithheld(ILogger logger, string reason);

    [LoggerMessage(7022, LogLevel.Information, "watchdog: pings resumed")]
    public static partial void WatchdogResumed(ILogger logger);

    [LoggerMessage(7030, LogLevel.Information, "recording: deleted {File} ({Bytes} bytes) to stay within retention")]
    public static partial void RecordingDeleted(ILogger logger, string file, long bytes);

    [LoggerMessage(7031, LogLevel.Error, "recording: {Error}")]
    public static partial void RecordingFailed(ILogger logger, string error);
}
