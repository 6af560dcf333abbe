using Robotics.Drivers.Diagnostics;
using System.Diagnostics;

namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>mosquitto_pub / mosquitto_sub, the stock clients an integrator would poke a robot with.</summary>
internal static class MqttCli
{
    private static int _ids;

    public static void Pub(int port, string topic, string message, bool retain = false)
    {
        var args = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(), "-i", $"test-pub-{Environment.ProcessId}-{Interlocked.Increment(ref _ids)}", "-t", topic, "-m", message, "-q", "1" };
        if (retain) args.Add("-r");
        var (code, _, err) = Run(ExternalTool.Require("mosquitto_pub", "mosquitto-clients"), args, TimeSpan.FromSeconds(10));
        if (code != 0) throw new InvalidOperationException($"mosquitto_pub failed ({code}): {err}");
    }

    /// <summary>Starts mosquitto_sub printing "topic payload" lines until <paramref name="count"/> messages arrived.</summary>
    public static Process StartSub(int port, string topicFilter, int count)
    {
        var psi = new ProcessStartInfo(ExternalTool.Require("mosquitto_sub", "mosquitto-clients"))
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", port.ToString(), "-i", $"test-sub-{Environment.ProcessId}-{Interlocked.Increment(ref _ids)}",
                     "-t", topicFilter, "-v", "-C", count.ToString(), "-W", "20" })
            psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    public static (int Code, string Out, string Err) Run(string exe, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var so = p.StandardOutput.ReadToEndAsync();
        var se = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(); throw new TimeoutException($"{exe} did not finish"); }
        return (p.ExitCode, so.Result, se.Result);
    }
}
