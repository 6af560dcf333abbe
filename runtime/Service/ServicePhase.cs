namespace Robotics.Runtime.Service;

/// <summary>Where the robot service is in its life.</summary>
public enum ServicePhase
{
    /// <summary>Host started, no robot yet.</summary>
    Starting,
    /// <summary>Connecting to the robot and waiting for its spec (retried until it answers).</summary>
    WaitingForRobot,
    /// <summary>Deployment built and checked, robot activated, episodes running.</summary>
    Running,
    /// <summary>Stop requested: safe action, recording closed, robot released.</summary>
    Stopping,
    /// <summary>The service ended with an error (the process exits non-zero).</summary>
    Failed,
    /// <summary>Ran the configured episodes and ended.</summary>
    Finished,
}
