using Robotics.Drivers.Resilience;

namespace Robotics.Drivers.Serial;

/// <summary>A serial device and how to talk over it.</summary>
public sealed record SerialLinkOptions
{
    public required string PortPath { get; init; }
    public int Baud { get; init; } = 115200;
    public SerialIo Io { get; init; } = SerialIo.Auto;
    /// <summary>Each side sends a heartbeat this often; the peer counts as gone after three missed.</summary>
    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>How the port is reopened after the device vanished.</summary>
    public ReconnectOptions Reopen { get; init; } = new();

    private static readonly int[] StandardBauds = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1500000, 2000000];

    public SerialLinkOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(PortPath)) throw new ArgumentException("serial: port path is empty");
        if (Array.IndexOf(StandardBauds, Baud) < 0)
            throw new ArgumentException($"serial: baud {Baud} is not one of {string.Join(", ", StandardBauds)}");
        if (HeartbeatPeriod < TimeSpan.FromMilliseconds(10) || HeartbeatPeriod > TimeSpan.FromSeconds(10))
            throw new ArgumentException($"serial: heartbeat period must be in [10 ms, 10 s], got {HeartbeatPeriod}");
        Reopen.Validate();
        return this;
    }
}
