using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Xunit.Abstractions;
using Robotics.Core.Cli;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Robots;
using Robotics.Sim.Serve;

namespace Robotics.Drivers.Tests;

/// <summary>Runs alone: it redirects the console and measures the process's allocations.</summary>
[CollectionDefinition("alone", DisableParallelization = true)]
public sealed class AloneCollection;

/// <summary>
/// Issue 13 on real components (shipped Mosquitto config, virtual robot, the runtime's verbs and processes):
/// the deployment envelope, secrets in the documented setup, and the packet limit.
/// </summary>
[Collection("alone")]
public class DeploymentAndSecretsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static string Model => Path.Combine(ShippedBroker.RepoRoot, "models", "pendulum.onnx");

    private static (int Code, string Err) Run(params string[] args)
    {
        var root = new RootCommand { RunCommand.Create(RobotConnector.Connect, TimeProvider.System, TextWriter.Null) };
        var err = new StringWriter();
        TextWriter old = Console.Error;
        Console.SetError(err);
        try { return (CliApp.Run(root, ["run", .. args]), err.ToString()); }
        finally { Console.SetError(old); }
    }

    [Fact]
    public async Task Run_RefusesASpecWhoseSafeActionIdOrModelDisagreesWithTheDeployment_BeforeAnyCommand()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var broker = new ShippedBroker();
        await using var robot = RobotHost.Mqtt(broker.Connection("robot"), new VirtualRobotOptions { EnvId = "pendulum", RobotId = "dep1", Lockstep = true });
        await MqttDriverTests.Eventually(() => robot.Robot.StateSeq > 0, cts.Token);
        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Model)));
        string Deployment(string name, string safe, string id = "dep1", string? digest = null)
        {
            string path = Path.Combine(broker.Dir, name);
            File.WriteAllText(path, $$"""{"robot_id":"{{id}}","env":"pendulum","safe_action":{{safe}},"action_low":[-2],"action_high":[2],"model_sha256":"{{digest ?? sha}}"}""");
            return path;
        }
        string[] Args(string deployment) => ["--model", Model, "--robot", broker.Address("controller", "dep1"), "--deployment", deployment,
            "--episodes", "1", "--realtime", "false", "--horizon", "5", "--population", "16", "--iterations", "1", "--threads", "1"];

        // The deployment agrees with the robot: one episode runs (so the refusals below are the envelope's doing).
        var ok = Run(Args(Deployment("ok.json", "[0]")));
        Assert.True(ok.Code == 0, ok.Err);
        long commands = robot.Robot.CommandsReceived;
        Assert.True(commands >= 200, $"{commands} commands");

        // A deployment whose safe action differs, or for another robot, or with another model's digest: exit 2, one line, no command.
        foreach (var (file, expect) in new[]
                 {
                     (Deployment("safe.json", "[0.5]"), "declares safe_action [0], the deployment's is [0.5]"),
                     (Deployment("id.json", "[0]", id: "dep9"), "the robot answering is 'dep1', the deployment is for 'dep9'"),
                     (Deployment("sha.json", "[0]", digest: new string('0', 64)), "SHA-256"),
                 })
        {
            var r = Run(Args(file));
            Assert.Equal(CliApp.ExitUsage, r.Code);
            Assert.Contains(expect, r.Err);
            Assert.Single(r.Err.Trim().Split('\n'));
        }

        // A forged retained spec (safe action [2], another id) behind the robot's address is refused the same way.
        var (code, err) = broker.Pub("robot", "robots/dep1/spec",
            """{"id":"evil","env":"pendulum","control_period_ms":50,"observation":{"names":["cos_theta","sin_theta","theta_dot"],"low":[-1,-1,-8],"high":[1,1,8]},"action":{"names":["torque"],"low":[-2],"high":[2]},"safe_action":[2]}""",
            retain: true);
        Assert.True(code == 0, err);
        var forged = Run(Args(Deployment("ok2.json", "[0]")));
        Assert.Equal(CliApp.ExitUsage, forged.Code);
        Assert.Contains("the robot answering is 'evil'", forged.Err);
        await Task.Delay(300, cts.Token);
        Assert.Equal(commands, robot.Robot.CommandsReceived);
    }

    private static Process StartDotnet(string dll, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (string a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static (int Code, string Out, string Err) RunDotnet(string dll, params string[] args)
    {
        using var p = StartDotnet(dll, args);
        var so = p.StandardOutput.ReadToEndAsync();
        var se = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(entireProcessTree: true); throw new TimeoutException($"{dll} {string.Join(' ', args)} did not finish"); }
        return (p.ExitCode, so.Result, se.Result);
    }

    [Fact]
    public async Task Password_NeverAppearsInALogLineAnErrorOrTheCommandLine_InTheDocumentedSetup()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var broker = new ShippedBroker();
        var seen = new List<string>();

        // The robot as its own process, as documented: user in the address, password in a file.
        using var serve = StartDotnet("robotics-sim.dll", ["serve", "--env", "pendulum", "--id", "pw1", "--verbose",
            "--broker", $"mqtt://robot@127.0.0.1:{broker.Port}?password_file={broker.PasswordFile("robot")}"]);
        var serveOut = serve.StandardOutput.ReadToEndAsync(cts.Token);
        var serveErr = serve.StandardError.ReadToEndAsync(cts.Token);
        string cmdline = (await File.ReadAllTextAsync($"/proc/{serve.Id}/cmdline", cts.Token)).Replace('\0', ' ');
        Assert.Contains("password_file=", cmdline);
        seen.Add(cmdline);

        // The runtime's driver (controller) drives it; its log is kept.
        var log = new ListLogger();
        var o = RobotUri.ParseMqtt(broker.Address("controller", "pw1"));
        seen.Add(o.ToString());
        await using (var driver = new MqttRobotDriver(o with { ConfigureTimeout = TimeSpan.FromSeconds(30) }, TimeProvider.System, log))
        {
            var spec = await driver.ConfigureAsync(cts.Token);
            await driver.ActivateAsync(cts.Token);
            var run = await TestLoop.RunEpisodeAsync(driver, spec, _ => 0.5f, 20, cts.Token);
            Assert.Equal(20, run.States);
        }

        // The operator's verbs as processes: a refused reset (observer), then engage, release, re-arm.
        var refused = RunDotnet("robotics.dll", "estop", "release", "--robot", broker.Address("observer", "pw1"));
        Assert.Equal(CliApp.ExitFailure, refused.Code);
        Assert.Contains("NotAuthorized", refused.Err);
        seen.Add(refused.Out + refused.Err);
        string Estop(string verb)
        {
            var r = RunDotnet("robotics.dll", "estop", verb, "--robot", broker.Address("operator", "pw1"));
            Assert.True(r.Code == 0, r.Err);
            seen.Add(r.Out + r.Err);
            return r.Out.Trim();
        }
        // The robot announces its status on its next step: a loaded machine may take a moment.
        async Task<string> StatusBecomes(string expected)
        {
            string s = "";
            for (int k = 0; k < 10 && s != expected; k++) { if (k > 0) await Task.Delay(500, cts.Token); s = Estop("status"); }
            return s;
        }
        Estop("engage");
        Assert.Equal("estop", await StatusBecomes("estop"));
        Estop("release");
        Estop("rearm");
        Assert.Equal("online", await StatusBecomes("online")); // after the two-step reset

        // Errors: a wrong password, a password typed into the address.
        string wrong = Path.Combine(broker.Dir, "wrong.password");
        File.WriteAllText(wrong, broker.Password("operator") + "x");
        await using (var bad = new MqttRobotDriver(RobotUri.ParseMqtt($"mqtt://controller@127.0.0.1:{broker.Port}/pw1?password_file={wrong}")
                         with { ConfigureTimeout = TimeSpan.FromSeconds(2) }, TimeProvider.System, log))
            seen.Add((await Assert.ThrowsAsync<TimeoutException>(async () => await bad.ConfigureAsync(cts.Token))).Message);
        seen.Add(Assert.Throws<FormatException>(() => RobotUri.ParseMqtt($"mqtt://controller:{broker.Password("controller")}@127.0.0.1/pw1?qos=7")).Message);

        Process.Start("kill", ["-TERM", serve.Id.ToString()])!.WaitForExit(5000); // clean stop: prints its summary
        Assert.True(serve.WaitForExit(20_000));
        seen.Add(await serveOut);
        seen.Add(await serveErr);
        seen.AddRange(log.Lines.Select(l => l.Message));
        seen.AddRange(broker.Mosquitto.LogLines);

        string all = string.Join('\n', seen);
        Assert.Contains("virtual robot 'pw1'", all);                      // the robot's log was captured
        Assert.Contains("u'controller'", all);                            // so was the broker's (usernames, no passwords)
        Assert.Contains("not reachable", all);                            // and the errors
        foreach (string role in ShippedBroker.Roles)
            Assert.DoesNotContain(broker.Password(role), all);
    }

    [Fact]
    public async Task PacketOverTheLimit_IsRefusedByTheShippedBroker_AndNeverReachesTheRuntime()
    {
        using var cts = new CancellationTokenSource(Timeout);
        string big = Path.Combine(Path.GetTempPath(), $"big-spec-{Guid.NewGuid():N}.json");
        File.WriteAllText(big, "{\"id\":\"big1\",\"pad\":\"" + new string('a', 17_900_000) + "\"}");
        try
        {
            // The shipped broker: the 17.9 MB retained "spec" is refused at the door, the broker stays small.
            using (var broker = new ShippedBroker())
            {
                await using var robot = RobotHost.Mqtt(broker.Connection("robot"), new VirtualRobotOptions { EnvId = "pendulum", RobotId = "big1", Lockstep = true });
                long rssBefore = RssKb(broker.Mosquitto.Pid);
                var (code, _, _) = MqttCli.Run(ExternalTool.Require("mosquitto_pub", "mosquitto-clients"),
                    ["-h", "127.0.0.1", "-p", broker.Port.ToString(), "-u", "robot", "-P", broker.Password("robot"), "-t", "robots/big1/spec", "-f", big, "-r", "-q", "1"],
                    TimeSpan.FromSeconds(30));
                Assert.NotEqual(0, code);
                await MqttDriverTests.Eventually(() => broker.Mosquitto.LogLines.Any(l => l.Contains("oversize packet")), cts.Token);
                output.WriteLine($"shipped broker RSS {rssBefore} -> {RssKb(broker.Mosquitto.Pid)} kB");
                Assert.True(RssKb(broker.Mosquitto.Pid) - rssBefore < 4_000, $"broker grew from {rssBefore} kB to {RssKb(broker.Mosquitto.Pid)} kB");
                // The robot's own retained spec is still the one a runtime configures from.
                var o = RobotUri.ParseMqtt(broker.Address("controller", "big1"));
                await using var driver = new MqttRobotDriver(o);
                Assert.Equal("pendulum", (await driver.ConfigureAsync(cts.Token)).EnvId);
            }

            // A broker without the limit holds it, but the runtime's client tells it (MQTT 5 maximum packet size)
            // never to send more than 64 KiB: the runtime allocates nothing like 17.9 MB.
            using var open = new MosquittoProcess();
            await using var robot2 = RobotHost.Mqtt(open.Port, "big1", lockstep: true);
            var log = new ListLogger();
            await using var runtime = new MqttRobotDriver(RobotUri.ParseMqtt($"mqtt://127.0.0.1:{open.Port}/big1"), TimeProvider.System, log);
            await runtime.ConfigureAsync(cts.Token);
            using var watcher = MqttCli.StartSub(open.Port, "robots/big1/spec", 2); // a stock client without a limit: the positive control
            await Task.Delay(300, cts.Token);
            GC.Collect();
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            var (code2, _, err2) = MqttCli.Run(ExternalTool.Require("mosquitto_pub", "mosquitto-clients"),
                ["-h", "127.0.0.1", "-p", open.Port.ToString(), "-t", "robots/big1/spec", "-f", big, "-r", "-q", "1"], TimeSpan.FromSeconds(30));
            Assert.True(code2 == 0, err2);
            long watched = 0;
            var chunk = new byte[1 << 16]; // counted, not kept: this process must not hold the spec either
            for (int n; (n = await watcher.StandardOutput.BaseStream.ReadAsync(chunk, cts.Token)) > 0;) watched += n;
            Assert.True(watched > 17_000_000, "the broker did deliver the big spec to a client without a limit");
            await Task.Delay(500, cts.Token);
            long grew = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            output.WriteLine($"allocated while a {watched / 1e6:F1} MB spec went round: {grew / 1e6:F2} MB");
            Assert.True(grew < 8_000_000, $"the runtime's process allocated {grew / 1e6:F1} MB while a 17.9 MB spec went round");
            Assert.DoesNotContain(log.Lines, l => l.Message.Contains("spec"));
        }
        finally { File.Delete(big); }
    }

    private static long RssKb(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
