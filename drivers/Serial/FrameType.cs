namespace Robotics.Drivers.Serial;

/// <summary>The first byte of every serial frame (docs/PROTOCOL.md, "Serial").</summary>
public enum FrameType : byte
{
    /// <summary>Host -> robot, empty payload: please send your spec.</summary>
    SpecRequest = 0x01,
    /// <summary>Robot -> host: spaces, control period, safe action, names.</summary>
    Spec = 0x02,
    /// <summary>Robot -> host: flags, time, reward, observation.</summary>
    State = 0x03,
    /// <summary>Host -> robot: safety decision, ttl, answered state seq, action.</summary>
    Command = 0x04,
    /// <summary>Either way: engage (latches) or release, with a reason.</summary>
    EStop = 0x05,
    /// <summary>Either way, every heartbeat period: the sender's status.</summary>
    Heartbeat = 0x06,
}

/// <summary>Heartbeat status byte.</summary>
public enum LinkStatus : byte
{
    Online = 0,
    EStopEngaged = 1,
    /// <summary>Sent once by a side that shuts down cleanly.</summary>
    Offline = 2,
}
