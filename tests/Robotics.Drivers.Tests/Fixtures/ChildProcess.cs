using System.Collections.Concurrent;
using System.Diagnostics;

namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>
/// A process the test starts (one of this repository's executables under dotnet, or a tool such as prometheus),
/// its stdout and stderr kept as lines, killed by PID on dispose if still running.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();

    private ChildProcess(ProcessStartInfo psi)
    {
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        Process = Process.Start(psi)!;
        Process.OutputDataReceived += (_, e) => { if (e.Data is { } l && _lines.Count < 50_000) _lines.Enqueue(l); };
        Process.ErrorDataReceived += (_, e) => { if (e.Data is { } l && _lines.Count < 50_000) _lines.Enqueue(l); };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }
    public int Pid => Process.Id;
    public string Output => string.Join("\n", _lines);

    /// <summary>dotnet NAME.dll ARGS from the test's output folder (the repository's executables are copied there).</summary>
    public static ChildProcess Dotnet(string dll, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        return new ChildProcess(psi);
    }

    public static ChildProcess Start(string exe, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(exe);
        foreach (string a in args) psi.ArgumentList.Add(a);
        return new ChildProcess(psi);
    }

    public void Kill()
    {
        try { if (!Process.HasExited) Process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        Kill();
        Process.WaitForExit(5000);
        Process.Dispose();
    }
}
