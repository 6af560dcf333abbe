namespace Robotics.Sim.Serve;

/// <summary>The session id a virtual robot puts in its states: different on every start, so the runtime recognises a restart.</summary>
internal static class RobotSession
{
    /// <summary>The low 32 bits of the start time in Unix milliseconds (two starts within the same millisecond are not a concern here).</summary>
    public static uint FromStartTime(TimeProvider time) => (uint)time.GetUtcNow().ToUnixTimeMilliseconds();
}
