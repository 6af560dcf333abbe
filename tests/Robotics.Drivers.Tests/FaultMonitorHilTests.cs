using System.CommandLine;
using System.Text.RegularExpressions;
using Robotics.Core.Cli;
using Robotics.Core.Episodes;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Robots;
using Robotics.Safety;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;
using Robotics.Sim.Environments.Faults;
using Robotics.Sim.Serve;
using Xunit.Abstractions;

namespace Robotics.Drivers.Tests;

/// <summary>
/// Issue 18's fault monitor over MQTT: Mosquitto on a free 127.0.0.1 port, per run a lock-step virtual pendulum
/// (the VirtualRobot of robotics-sim serve, over a FaultyEnvironment as serve --fault builds it) and <c>robotics run</c>
/// in process: the tracking controller replays an excitation episode recorded from the same reset (uniform random
/// torques; an inverse-model monitor can only see a fault while the actuator is used), the checked-in tiny inverse
/// model watches beside it. Calibration: <c>--fault-calibrate</c> over 20 healthy runs (reset seeds 1000-1019) writes
/// the threshold beside the monitor's model; then 20 seeds (2000-2019) run healthy, with a 50% gain loss and with a
/// stuck actuator from step 20 + 3 i: every faulty run alarms within <see cref="MaxDelay"/> steps, none before the
/// fault, and no healthy run alarms. tests/measure/fault_monitor_mqtt.sh does the same with separate processes.
/// </summary>
public class FaultMonitorHilTests(ITestOutputHelper output) : IDisposable
{
    private const int Runs = 20, MaxDelay = 15;
    private static string Tiny => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pendulum-inverse-tiny.onnx");
    private readonly string _dir = Directory.CreateTempSubdirectory("fault-hil-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    /// <summary>One excitation episode (uniform random torques, seeded) from reset seed <paramref name="seed"/>.</summary>
    private async Task<string> ReferenceAsync(int seed)
    {
        var driver = new SimDriver(new Pendulum(), "ref", TimeProvider.System, SimDriver.SequentialSeeds(seed));
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var loop = new ControlLoop(driver, spec, new UniformRandomPolicy(spec.ActionSpace, new Random(seed)), new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 200, Record = true }, TimeProvider.System);
        var sink = new MemoryEpisodeSink();
        await loop.RunEpisodeAsync(0, sink, default);
        string dir = Path.Combine(_dir, $"ref-{seed}");
        using (var w = new EpisodeWriter(dir)) w.WriteEpisode(sink.Episodes.Single());
        return Directory.GetFiles(dir, "*.parquet").Single();
    }

    private static async Task<string> RunAsync(MosquittoProcess broker, int seed, string? fault, string reference, params string[] extra)
    {
        string id = $"fm-{seed}-{(fault ?? "ok").Split(':')[0]}";
        IEnvironment env = new Pendulum();
        if (fault is not null) env = new FaultyEnvironment(env, [FaultSpec.Parse(fault)], seed);
        await using var robot = RobotHost.Mqtt(broker.Port, new VirtualRobotOptions { EnvId = "pendulum", RobotId = id, Lockstep = true, Seed = seed }, env);
        var outText = new StringWriter();
        var root = new RootCommand { RunCommand.Create(RobotConnector.Connect, TimeProvider.System, outText) };
        int code = await Task.Run(() => CliApp.Run(root, ["run", "--model", Tiny, "--reference", reference, "--robot", $"{broker.Uri}/{id}",
            "--realtime", "false", "--episodes", "1", "--seed", seed.ToString(), .. extra]));
        Assert.True(code == 0, outText.ToString());
        return outText.ToString();
    }

    [Fact]
    public async Task GainLossAndStuckActuator_OverMqtt_AlarmInEveryOneOf20Runs_And20HealthyRunsStaySilent()
    {
        using var broker = new MosquittoProcess();
        string monitor = Path.Combine(_dir, "monitor.onnx");
        File.Copy(Tiny, monitor);
        string cal = "";
        for (int i = 0; i < Runs; i++)
            cal = await RunAsync(broker, 1000 + i, null, await ReferenceAsync(1000 + i), "--fault-monitor", monitor, "--fault-calibrate");
        output.WriteLine(cal.Split('\n').Single(l => l.StartsWith("fault monitor calibrated")));
        Assert.Contains($"calibrated on {Runs} healthy episodes", cal);

        var problems = new List<string>();
        var delays = new Dictionary<string, List<int>> { ["gain"] = [], ["stuck"] = [] };
        for (int i = 0; i < Runs; i++)
        {
            int seed = 2000 + i, start = 20 + 3 * i;
            string reference = await ReferenceAsync(seed);
            string healthy = await RunAsync(broker, seed, null, reference, "--fault-monitor", monitor);
            if (!healthy.Contains("fault monitor: 0 alarm(s)")) problems.Add($"healthy seed {seed} alarmed");
            foreach (var (name, fault) in new[] { ("gain", $"gain:factor=0.5,start={start}"), ("stuck", $"stuck:start={start}") })
            {
                string r = await RunAsync(broker, seed, fault, reference, "--fault-monitor", monitor);
                Match m = Regex.Match(r, @"fault monitor: ALARM at step (\d+) ");
                if (!m.Success) { problems.Add($"{name} seed {seed}: no alarm"); continue; }
                int delay = int.Parse(m.Groups[1].Value) - start;
                if (delay < 1) problems.Add($"{name} seed {seed}: alarm {-delay} steps before the fault");
                else delays[name].Add(delay);
            }
        }
        foreach (var (name, d) in delays.Where(d => d.Value.Count > 0))
            output.WriteLine($"{name}: alarm delay steps min {d.Min()} median {d.Order().ElementAt(d.Count / 2)} max {d.Max()} [{string.Join(",", d)}]");
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        Assert.All(delays.Values.SelectMany(d => d), d => Assert.InRange(d, 1, MaxDelay));
        Assert.Equal(2 * Runs, delays.Values.Sum(d => d.Count));
    }
}
