namespace Robotics.Drivers.Serial;

/// <summary>The runtime side of one serial robot.</summary>
public sealed record SerialRobotDriverOptions
{
    public required SerialLinkOptions Link { get; init; }
    /// <summary>ttl_ms for commands whose buffer says 0.</summary>
    public TimeSpan CommandTtl { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>How long Configure waits for the port and the robot's spec.</summary>
    public TimeSpan ConfigureTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public SerialRobotDriverOptions Validate()
    {
        Link.Validate();
        if (CommandTtl <= TimeSpan.Zero || CommandTtl > TimeSpan.FromMilliseconds(ushort.MaxValue))
            throw new ArgumentException($"serial driver: command ttl must be in (0, 65535 ms], got {CommandTtl}");
        if (ConfigureTimeout <= TimeSpan.Zero) throw new ArgumentException($"serial driver: configure timeout must be positive, got {ConfigureTimeout}");
        return this;
    }
}
