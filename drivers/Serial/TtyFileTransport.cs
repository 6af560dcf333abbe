using System.Diagnostics;

namespace Robotics.Drivers.Serial;

/// <summary>
/// Linux fast path: configures the tty with <c>stty</c> (raw, no echo, VMIN=0/VTIME=1 so a read returns
/// within 100 ms even when idle) and reads/writes it through unbuffered FileStreams, one descriptor for
/// each direction so the reader and writer threads share no state. A write is one write(2), without
/// System.IO.Ports' 1 ms polling loop, and closing cannot hang on a vanished device.
/// </summary>
public sealed class TtyFileTransport : ISerialTransport
{
    private readonly FileStream _reader, _writer;

    private TtyFileTransport(FileStream reader, FileStream writer, string description)
    {
        _reader = reader;
        _writer = writer;
        Description = description;
    }

    public string Description { get; }

    public static TtyFileTransport Open(string path, int baud)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the tty fast path needs Linux; use SerialIo.SerialPort");
        if (!File.Exists(path)) throw new FileNotFoundException($"serial: no such device {path}", path);
        Stty(path, baud);
        var reader = new FileStream(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), FileAccess.Read, bufferSize: 0);
        var writer = new FileStream(File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite), FileAccess.Write, bufferSize: 0);
        return new TtyFileTransport(reader, writer, $"{path} (tty fd, {baud} baud)");
    }

    public void Write(ReadOnlySpan<byte> data) => _writer.Write(data);

    public int Read(Span<byte> buffer) => _reader.Read(buffer);

    public bool Close(TimeSpan timeout)
    {
        _writer.Dispose();
        _reader.Dispose();
        return true;
    }

    private static void Stty(string path, int baud)
    {
        var psi = new ProcessStartInfo("stty")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-F", path, baud.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "raw", "-echo", "-echoe", "-echok", "-echoctl", "-echoke", "-ixon", "-ixoff", "-crtscts", "clocal", "cread",
                     "min", "0", "time", "1" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new IOException("serial: could not start stty (Debian package coreutils)");
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new IOException($"serial: stty -F {path} failed: {err.Trim()}");
    }
}
