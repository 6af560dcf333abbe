namespace Robotics.Drivers.Serial;

/// <summary>Which byte pipe a serial link uses.</summary>
public enum SerialIo
{
    /// <summary>The tty file descriptor on Linux, System.IO.Ports elsewhere.</summary>
    Auto,
    /// <summary>Linux fast path: the tty configured with stty, read and written through its file descriptor.</summary>
    TtyFile,
    /// <summary>System.IO.Ports.SerialPort.</summary>
    SerialPort,
}

/// <summary>
/// A byte pipe to a serial device, used by one reader thread and one writer thread of a
/// <see cref="SerialLink"/>. Blocking by design; never called from the control loop.
/// </summary>
public interface ISerialTransport
{
    string Description { get; }

    /// <summary>Blocks until all bytes are written; throws IOException/TimeoutException when the device is gone.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>Blocks for at most about 100 ms; returns 0 when nothing arrived. Throws IOException when the device is gone.</summary>
    int Read(Span<byte> buffer);

    /// <summary>Closes without ever hanging the caller; returns false when the close had to be abandoned.</summary>
    bool Close(TimeSpan timeout);
}

public static class SerialTransports
{
    public static ISerialTransport Open(string path, int baud, SerialIo io) =>
        (io == SerialIo.Auto ? (OperatingSystem.IsLinux() ? SerialIo.TtyFile : SerialIo.SerialPort) : io) switch
        {
            SerialIo.TtyFile => TtyFileTransport.Open(path, baud),
            _ => SerialPortTransport.Open(path, baud),
        };
}
