using System.Diagnostics;

namespace Robotics.Drivers.Diagnostics;

/// <summary>Two linked pseudo-terminals from socat (a null-modem cable in software) for tests and the latency benchmark, stopped by PID.</summary>
public sealed class SocatPtyPair : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    public SocatPtyPair()
    {
        string socat = ExternalTool.Require("socat", "socat");
        _dir = Directory.CreateTempSubdirectory("pty-test-").FullName;
        A = Path.Combine(_dir, "a");
        B = Path.Combine(_dir, "b");
        var psi = new ProcessStartInfo(socat) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-d");
        psi.ArgumentList.Add("-d");
        psi.ArgumentList.Add($"pty,raw,echo=0,link={A}");
        psi.ArgumentList.Add($"pty,raw,echo=0,link={B}");
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

    /// <summary>Path of one end (a symlink to /dev/pts/N).</summary>
    public string A { get; }
    public string B { get; }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Process.GetProcessById(_process.Id).Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
