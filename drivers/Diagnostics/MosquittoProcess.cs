using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Robotics.Drivers.Mqtt;

namespace Robotics.Drivers.Diagnostics;

/// <summary>
/// A real Mosquitto on a free 127.0.0.1 port with a generated config, for tests and the latency
/// benchmark; stopped (or killed, for fault tests) by PID and restartable on the same port.
/// </summary>
public sealed class MosquittoProcess : IDisposable
{
    private readonly string _exe;
    private readonly string _dir;
    private Process? _process;

    /// <param name="listenerConfig">Extra lines for the listener (TLS files, password file...), after "listener PORT 127.0.0.1".</param>
    public MosquittoProcess(string listenerConfig = "allow_anonymous true")
        : this(EmbeddedBroker.FreePort(IPAddress.Loopback), null, listenerConfig) { }

    /// <summary>
    /// A broker with a whole configuration (e.g. the shipped deploy/mosquitto/mosquitto.conf with its paths and
    /// ports rewritten), which must listen on 127.0.0.1:<paramref name="port"/>; logging to stderr is added.
    /// </summary>
    public static MosquittoProcess FromConfig(int port, string config) => new(port, config, null);

    private MosquittoProcess(int port, string? config, string? listenerConfig)
    {
        _exe = ExternalTool.Require("mosquitto", "mosquitto");
        Port = port;
        _dir = System.IO.Directory.CreateTempSubdirectory("mosquitto-test-").FullName;
        string text = config is not null
            ? config + "\nlog_dest stderr\n"
            : $"listener {Port} 127.0.0.1\n{listenerConfig}\npersistence false\nlog_dest stderr\n";
        File.WriteAllText(Path.Combine(_dir, "mosquitto.conf"), text
            // As root, mosquitto would switch to its own user and lose access to our private temp files.
            + (Environment.UserName == "root" ? "user root\n" : ""));
        Start();
    }

    /// <summary>The broker's log lines so far (stderr), e.g. "disconnected due to oversize packet".</summary>
    public IReadOnlyCollection<string> LogLines => _log;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    public int Port { get; }
    public string Uri => $"mqtt://127.0.0.1:{Port}";
    public int Pid => _process?.Id ?? 0;
    /// <summary>A private directory for config, certificates and password files; deleted on dispose.</summary>
    public string Directory => _dir;

    public void Start()
    {
        var psi = new ProcessStartInfo(_exe) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Path.Combine(_dir, "mosquitto.conf"));
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line && _log.Count < 10_000) _log.Enqueue(line); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}");
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) { Thread.Sleep(50); }
        }
        throw new TimeoutException($"mosquitto did not listen on {Port}");
    }

    /// <summary>SIGKILL by PID: the broker vanishes without closing anything cleanly.</summary>
    public void Kill()
    {
        if (_process is null || _process.HasExited) return;
        Process.GetProcessById(_process.Id).Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Kill();
        try { System.IO.Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
