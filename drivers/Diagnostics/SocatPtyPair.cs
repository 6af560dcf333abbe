using System.Diagnostics;

namespace Robotics.Drivers.Diagnostics;

/// <summary>
/// Two linked pseudo-terminals from socat (a null-modem cable in software) for tests and the latency
/// benchmark. Stopped by PID; can be killed (the "cable" vanishes) and started again on the same paths.
/// </summary>
public sealed class SocatPtyPair : IDisposable
{
    private readonly string _socat;
    private readonly string _dir;
    private Process? _process;

    public SocatPtyPair()
    {
        _socat = ExternalTool.Require("socat", "socat");
        _dir = Directory.CreateTempSubdirectory("pty-test-").FullName;
        A = Path.Combine(_dir, "a");
        B = Path.Combine(_dir, "b");
        Start();
    }

    /// <summary>Path of one end (a symlink to /dev/pts/N).</summary>
    public string A { get; }
    public string B { get; }

    public void Start()
    {
        var psi = new ProcessStartInfo(_socat) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-d", "-d", $"pty,raw,echo=0,link={A}", $"pty,raw,echo=0,link={B}" }) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(File.Exists(A) && File.Exists(B)))
        {
            if (_process.HasExited) throw new InvalidOperationException($"socat exited with {_process.ExitCode}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("socat did not create the pty pair");
            Thread.Sleep(20);
        }
    }

    /// <summary>SIGKILL by PID: both ptys vanish under whoever has them open.</summary>
    public void Kill()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            Process.GetProcessById(_process.Id).Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        _process = null;
        // socat cannot remove its links when killed; dangling links would look like a device that exists.
        foreach (var link in new[] { A, B })
            if (File.Exists(link) || new FileInfo(link).LinkTarget is not null) File.Delete(link);
    }

    public void Dispose()
    {
        Kill();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
