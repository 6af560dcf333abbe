using System.IO.Ports;

namespace Robotics.Drivers.Serial;

/// <summary>
/// System.IO.Ports, for non-Linux hosts (on Linux its I/O loop adds about 1 ms per write; see
/// <see cref="TtyFileTransport"/>). Close runs Dispose on a helper thread and abandons it after the
/// timeout, because Dispose can hang after a write timed out on a vanished port.
/// </summary>
public sealed class SerialPortTransport : ISerialTransport
{
    private readonly SerialPort _port;
    private readonly Stream _stream;

    private SerialPortTransport(SerialPort port)
    {
        _port = port;
        _stream = port.BaseStream;
        Description = $"{port.PortName} (System.IO.Ports, {port.BaudRate} baud)";
    }

    public string Description { get; }

    public static SerialPortTransport Open(string path, int baud)
    {
        var port = new SerialPort(path, baud, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = 100,
            WriteTimeout = 500,
        };
        port.Open();
        return new SerialPortTransport(port);
    }

    public void Write(ReadOnlySpan<byte> data) => _stream.Write(data);

    public int Read(Span<byte> buffer)
    {
        try { return _stream.Read(buffer); }
        catch (TimeoutException) { return 0; }
    }

    public bool Close(TimeSpan timeout)
    {
        var closing = new Thread(() =>
        {
            try { _port.Dispose(); } catch (IOException) { }
        }) { IsBackground = true, Name = "serial-close" };
        closing.Start();
        return closing.Join(timeout);
    }
}
