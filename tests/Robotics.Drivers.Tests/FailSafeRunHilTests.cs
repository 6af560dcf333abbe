using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Robotics.Core.Cli;
using Robotics.Core.Robots;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Demo;
using Robotics.Runtime.Robots;
using Robotics.Tests.Support;

namespace Robotics.Drivers.Tests;

/// <summary>
/// Issue 12, phase 2, with real components on loopback: Mosquitto, the virtual robot, <c>robotics run</c> (in
/// process with a test-registered controller kind that injects planner faults, or as its own process for signals)
/// and mosquitto_sub recording every command on the wire.
/// </summary>
public class FailSafeRunHilTests
{
    // A small MPPI budget over the shipped ensemble: plans of a few milliseconds.
    internal static readonly string[] Planner = ["--planner", "mppi", "--horizon", "5", "--population", "32", "--iterations", "1", "--threads", "1"];

    internal static (int Code, string Out, string Err) RunInProcess(Func<int, bool> fails, params string[] args)
    {
        var output = new StringWriter();
        var err = new StringWriter();
        var root = new RootCommand { RunCommand.Create(RobotConnector.Connect, TimeProvider.System, output, FaultInjectingFactory.Registry(fails)) };
        TextWriter old = Console.Error;
        Console.SetError(err);
        try { return (CliApp.Run(root, ["run", .. args]), output.ToString(), err.ToString()); }
        finally { Console.SetError(old); }
    }

    [Fact]
    public async Task PlannerThrowsMidEpisode_TheNextCommandTheRobotGetsIsTheSafeAction_AndTheRunGoesOn()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var mosquitto = new MosquittoProcess();
        await using var robot = RobotHost.Mqtt(mosquitto.Port, "fault", lockstep: true, seed: 41);
        using var tap = await MqttCli.TapAsync(mosquitto.Port, "robots/fault/command", cts.Token);

        var r = await Task.Run(() => RunInProcess(t => t == 20,
            ["--model", ShippedModel.Locate(), "--robot", $"{mosquitto.Uri}/fault", "--realtime", "false", "--episodes", "1", .. Planner]), cts.Token);

        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("over 200 robot steps", r.Out);                      // the episode went on to its end
        Assert.Contains("loop: faults 1, deadline misses 0, stale ticks 0, safe actions sent 1", r.Out);
        var commands = tap.Commands();
        // Lock-step from the robot's first state: command i answers state i + 1; the 21st plan threw.
        Assert.Equal((21L, SafetyDecision.Fallback, 0f), (commands[20].StateSeq, commands[20].Safety, commands[20].Action[0]));
        Assert.Equal(22L, commands[21].StateSeq);                            // the next state is answered, by the planner again
        // (the gate may still fall back on a plan it vetoes: "safe actions sent" above counts the loop's own, one)
        Assert.Contains(commands.Skip(21).Take(10), c => c.Safety != SafetyDecision.Fallback && c.Action[0] != 0f);
        Assert.Contains("injected planner fault at tick 20", r.Err);         // logged once, as a warning
    }

    [Fact]
    public async Task PlannerKeepsThrowing_RunEndsAfterMaxFaultsWithOneErrorLineAndExit1_EveryFailedTickAnsweredSafe()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var mosquitto = new MosquittoProcess();
        await using var robot = RobotHost.Mqtt(mosquitto.Port, "broken", lockstep: true, seed: 42);
        using var tap = await MqttCli.TapAsync(mosquitto.Port, "robots/broken/command", cts.Token);

        var r = await Task.Run(() => RunInProcess(t => t >= 20,
            ["--model", ShippedModel.Locate(), "--robot", $"{mosquitto.Uri}/broken", "--realtime", "false", "--episodes", "1", "--max-faults", "3", .. Planner]), cts.Token);

        Assert.Equal(CliApp.ExitFailure, r.Code);
        var errors = r.Err.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.Equal("error: controller 'Faulty' on robot 'broken' failed 3 ticks in a row (each answered with the safe action); " +
                     "last error: InvalidOperationException: injected planner fault at tick 22", Assert.Single(errors));
        Assert.DoesNotContain("   at ", r.Err);                                  // no stack trace
        Assert.Contains("loop: faults 3, deadline misses 0, stale ticks 0, safe actions sent 3", r.Out);
        await MqttDriverTests.Eventually(() => tap.Commands().Count >= 23, cts.Token);
        var commands = tap.Commands();
        Assert.All(commands.Skip(20), c => Assert.Equal((SafetyDecision.Fallback, 0f), (c.Safety, c.Action[0])));
        Assert.Equal(0f, robot.Robot.LastCommand.Action[0]);
    }

    [Theory]
    [InlineData(PosixKill.SigTerm, CliApp.ExitSigTerm, "SIGTERM")]
    [InlineData(PosixKill.SigInt, CliApp.ExitSigInt, "SIGINT")]
    public async Task SignalDuringAnEpisode_ExitCode_LastCommandIsTheSafeAction_RecordingHoldsEveryTransition(int signal, int exitCode, string name)
    {
        string id = name.ToLowerInvariant();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var mosquitto = new MosquittoProcess();
        using var tap = await MqttCli.TapAsync(mosquitto.Port, $"robots/{id}/command", cts.Token);
        string dir = Directory.CreateTempSubdirectory("failsafe-sigterm-").FullName;
        try
        {
            var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "robotics.dll"), "run", "--model", ShippedModel.Locate(),
                         "--robot", $"{mosquitto.Uri}/{id}", "--episodes", "5", "--record", dir }.Concat(Planner))
                psi.ArgumentList.Add(a);
            using var run = Process.Start(psi)!;
            var stdout = run.StandardOutput.ReadToEndAsync(cts.Token);
            var stderr = run.StandardError.ReadToEndAsync(cts.Token);
            // The robot starts once the runtime is connected (its process takes seconds to start on a loaded machine),
            // so the signal falls in the robot's first episode: 200 steps of 50 ms.
            var online = MqttCli.Run(ExternalTool.Require("mosquitto_sub", "mosquitto-clients"),
                ["-h", "127.0.0.1", "-p", mosquitto.Port.ToString(), "-t", $"robots/{id}/controller/status", "-C", "1", "-W", "90"], TimeSpan.FromSeconds(100));
            Assert.True(online.Out.Contains("online"), $"the runtime never connected: {online.Out}{online.Err}");
            await using var robot = RobotHost.Mqtt(mosquitto.Port, id, lockstep: false, seed: 43);
            try
            {
                // Two seconds of control, then the signal a service manager sends.
                await MqttDriverTests.Eventually(() => run.HasExited || robot.Robot.CommandsReceived > 0, cts.Token);
                long start = robot.Robot.CommandsReceived;
                await MqttDriverTests.Eventually(() => run.HasExited || robot.Robot.CommandsReceived > start + 40, cts.Token);
                if (run.HasExited) Assert.Fail($"run exited early ({run.ExitCode}): {await stderr}");
                PosixKill.Send(run.Id, signal);
                await run.WaitForExitAsync(cts.Token);
            }
            finally
            {
                if (!run.HasExited) run.Kill(entireProcessTree: true);
            }
            string output = await stdout, errors = await stderr;

            Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}: {output}{errors}");
            Assert.Equal($"stopped by {name}", errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
            Assert.Contains("loop: faults 0", output);
            // The process has exited; its last publish may still be on its way through the broker to the robot.
            using (var settle = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
                try { await MqttDriverTests.Eventually(() => robot.Robot.LastCommand.Safety == SafetyDecision.Fallback, settle.Token); }
                catch (OperationCanceledException) { }
            var last = robot.Robot.LastCommand;
            Assert.Equal((SafetyDecision.Fallback, 0f), (last.Safety, last.Action[0]));

            await Task.Delay(300, cts.Token);   // the tap prints what the broker forwards
            var commands = tap.Commands();
            Assert.Equal((SafetyDecision.Fallback, 0f), (commands[^1].Safety, commands[^1].Action[0]));
            // The loop's last command is the last one with the planner's (non-zero) action; the safe actions after it
            // are the way out. A command the driver's latest-wins mailbox replaced before sending never shows here.
            long lastPlanned = commands.Last(c => c.Action[0] != 0f).Seq;
            Assert.True(lastPlanned > 40, $"{lastPlanned} planned commands");
            // The independent reader: one whole episode file (its parts replaced), every transition up to the signal.
            using var json = Hyparquet.Read(dir);
            var file = Assert.Single(json.RootElement.GetProperty("files").EnumerateArray());
            Assert.Equal("episode-000000.parquet", file.GetProperty("name").GetString());
            var rows = file.GetProperty("rows").EnumerateArray().ToList();
            string Diag() => $"commands: {string.Join("; ", commands.Select(c => $"{c.Seq}/{c.StateSeq} {c.Action[0]:F3} {c.Safety}"))}; " +
                             $"rows: {string.Join("; ", rows.Select(r => $"{r.GetProperty("step")} {r.GetProperty("action")[0].GetDouble():F3}"))}\n{output}\n{errors}";
            // The runtime's own count: one row per state it answered whose outcome arrived before the stop; only the
            // last answer's outcome may still have been on its way.
            var saved = Regex.Match(errors, @"stopped after (\d+) answered states; (\d+) transitions saved");
            Assert.True(saved.Success, "no recorder line: " + Diag());
            int answered = int.Parse(saved.Groups[1].Value), count = int.Parse(saved.Groups[2].Value);
            // The robot got 40+ commands before the signal; on a loaded machine some of them are the safe actions the loop
            // sends while the robot is silent (stale ticks), which answer no state.
            var stale = Regex.Match(output, @"safe actions sent (\d+)");
            Assert.True(stale.Success, "no loop line: " + Diag());
            int safeSent = int.Parse(stale.Groups[1].Value);
            Assert.True(count == rows.Count && count >= answered - 1 && answered > 20 && answered + safeSent >= 40,
                        $"{rows.Count} rows, {count} saved of {answered} answered, {safeSent} stale safe actions; " + Diag());
            for (int i = 0; i < rows.Count; i++)
            {
                Assert.Equal(i, rows[i].GetProperty("step").GetInt32());
                Assert.Equal(i == rows.Count - 1, rows[i].GetProperty("truncated").GetBoolean());
            }
            // Each row records the command the loop sent for its state. Commands on the wire are those rows' actions in
            // order; the driver's latest-wins mailbox may replace one before it is published, so a row can be missing
            // from the wire, but no command the loop planned can be missing from the file.
            var recorded = rows.Select(r => (float)r.GetProperty("action")[0].GetDouble()).ToList();
            // A safe action the loop sent on a late state answers that state again and replaces its row's action.
            var planned = commands.Where(c => c.Seq <= lastPlanned).GroupBy(c => c.StateSeq).Select(g => g.Last()).OrderBy(c => c.Seq).ToList();
            int next = 0, matched = 0;
            foreach (var c in planned)
            {
                int at = recorded.IndexOf(c.Action[0], next);
                if (at < 0 && c.Seq == lastPlanned && next >= recorded.Count - 1) continue;   // the last answer, outcome not back
                Assert.True(at >= 0, $"command {c.Seq} ({c.Action[0]}) is not in the file after row {next}; " + Diag());
                next = at + 1;
                matched++;
            }
            Assert.True(matched >= 0.9 * rows.Count, $"only {matched} of {rows.Count} rows had their command on the wire; " + Diag());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
