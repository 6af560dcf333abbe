using System.Net.Sockets;
using System.Text;

namespace Robotics.Runtime.Service;

/// <summary>
/// sd_notify(3) without libsystemd: one datagram per message to the unix socket systemd names in NOTIFY_SOCKET
/// (a leading '@' is the abstract namespace). <see cref="Create"/> gives null when the process was not started by a
/// unit with <c>Type=notify</c>. Not real-time.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint _target;

    private SystemdNotifier(string path, TimeSpan? watchdog)
    {
        SocketPath = path;
        Watchdog = watchdog;
        _target = new UnixDomainSocketEndPoint(path.StartsWith('@') ? "\0" + path[1..] : path);
    }

    public string SocketPath { get; }
    /// <summary>The unit's WatchdogSec (WATCHDOG_USEC), when set for this process (WATCHDOG_PID absent or ours).</summary>
    public TimeSpan? Watchdog { get; }

    /// <summary>From the environment (<paramref name="env"/>: a test's; null: the process's).</summary>
    public static SystemdNotifier? Create(IDictionary<string, string?>? env = null)
    {
        string? Get(string k) => env is not null ? (env.TryGetValue(k, out var v) ? v : null) : Environment.GetEnvironmentVariable(k);
        if (Get("NOTIFY_SOCKET") is not { Length: > 0 } path) return null;
        TimeSpan? watchdog = null;
        if (long.TryParse(Get("WATCHDOG_USEC"), out long usec) && usec > 0
            && (Get("WATCHDOG_PID") is not { Length: > 0 } pid || pid == Environment.ProcessId.ToString()))
            watchdog = TimeSpan.FromMicroseconds(usec);
        return new SystemdNotifier(path, watchdog);
    }

    /// <summary>Sends "READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=..." (newline-separated for several). False when the socket refused.</summary>
    public bool Notify(string message)
    {
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(message), _target);
            return true;
        }
        catch (SocketException) { return false; }
    }

    public void Dispose() => _socket.Dispose();
}
