using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.FaultMonitor;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Safety;
using Robotics.Sim.Environments;
using Robotics.Sim.Environments.Faults;
using Xunit.Abstractions;

namespace Robotics.Runtime.Tests.Inverse;

/// <summary>
/// Issue 18's fault monitor in process. A pendulum servo (<see cref="SinusoidServo"/>: it keeps its actuator working,
/// about 1.5 N m peak) drives the simulated pendulum for 150 lock-step steps per run; the checked-in tiny trained inverse
/// model watches beside it. Threshold: calibrated on 20 healthy held-out runs (reset seeds 1000-1019; max smoothed
/// residual x 1.5, alpha 0.2). Then reset seeds 0-19 run healthy, with a 50% gain loss and with a stuck actuator, the
/// fault starting at step 20 + 3 x seed (so the servo's phase at the start differs run to run): every faulty run alarms
/// within <see cref="MaxDelay"/> steps of the fault's start, none before it, and no healthy run alarms.
/// </summary>
[Collection("console")]
public class FaultMonitorLoopTests(ITestOutputHelper output) : IDisposable
{
    private const int Steps = 150, MaxDelay = 15;
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private static async Task<FaultMonitorEpisode> RunAsync(ActuatorFaultWatch watch, int seed, string? fault, Func<IController>? controller = null)
    {
        IEnvironment env = fault is null ? new Pendulum() : new FaultyEnvironment(new Pendulum(), [FaultSpec.Parse(fault)], seed);
        var driver = new LockstepEnvDriver(env, seed);
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var loop = new ControlLoop(driver, spec, (controller ?? (() => new SinusoidServo()))(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = Steps, Record = false }, TimeProvider.System) { TransitionObserver = watch };
        await loop.RunEpisodeAsync(0, null, default);
        return watch.Episode;
    }

    private static ActuatorFaultWatch Watch(FaultMonitorSettings s) =>
        ActuatorFaultWatch.Create(s, ModelFiles.PendulumSpec(), null, NullLogger.Instance);

    [Fact]
    public async Task GainLossAndStuckActuator_AlarmInEveryOneOf20Runs_And20HealthyRunsStaySilent()
    {
        float[] healthyMax = new float[20];
        using (var calibrating = Watch(new FaultMonitorSettings { ModelPath = TrackingControllerTests.TinyModel, Calibrate = true }))
            for (int i = 0; i < 20; i++) healthyMax[i] = (await RunAsync(calibrating, 1000 + i, null)).MaxSmoothed;
        float threshold = Safety.Monitors.ActuatorFaultMonitor.CalibrateThreshold(healthyMax, 1.5f);
        output.WriteLine($"calibration: max healthy smoothed residual {healthyMax.Max():F4}, threshold {threshold:F4}");

        using var watch = Watch(new FaultMonitorSettings { ModelPath = TrackingControllerTests.TinyModel, Threshold = threshold, Alpha = 0.2f });
        var healthy = new List<FaultMonitorEpisode>();
        var delays = new Dictionary<string, List<long>> { ["gain"] = [], ["stuck"] = [] };
        var problems = new List<string>();
        for (int seed = 0; seed < 20; seed++)
        {
            healthy.Add(await RunAsync(watch, seed, null));
            int start = 20 + 3 * seed;
            foreach (var (name, spec) in new[] { ("gain", $"gain:factor=0.5,start={start}"), ("stuck", $"stuck:start={start}") })
            {
                var e = await RunAsync(watch, seed, spec);
                Assert.Equal(Steps, e.Checked + e.Skipped);
                if (!e.Alarmed) problems.Add($"{name} seed {seed}: no alarm (max smoothed {e.MaxSmoothed:F3}, threshold {threshold:F3})");
                else if (e.AlarmStep <= start) problems.Add($"{name} seed {seed}: alarm at step {e.AlarmStep}, before the fault at {start}");
                else delays[name].Add(e.AlarmStep - start);
            }
        }
        foreach (var (name, d) in delays.Where(d => d.Value.Count > 0))
            output.WriteLine($"{name}: alarm delay steps min {d.Min()} median {d.Order().ElementAt(d.Count / 2)} max {d.Max()} [{string.Join(",", d)}]");
        output.WriteLine($"healthy: max smoothed {healthy.Max(e => e.MaxSmoothed):F4} over 20 runs, alarms {healthy.Count(e => e.Alarmed)}");
        problems.AddRange(healthy.Select((e, i) => (e, i)).Where(x => x.e.Alarmed).Select(x => $"healthy seed {x.i} alarmed at step {x.e.AlarmStep}"));
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        Assert.All(delays.Values.SelectMany(d => d), d => Assert.InRange(d, 1, MaxDelay));
    }

    [Fact]
    public async Task Alarm_IsASafetyEvent_CountedLoggedAndEngagingTheEStop_ThroughTheRunVerb()
    {
        string reference = await InverseModelFiles.RecordEpisodeAsync(Path.Combine(_dir.Path, "ref"), new SwingUpPolicy(), 7);
        string exact = InverseModelFiles.WriteExactPendulum(_dir.Path);
        var faulty = new FaultyEnvironment(new Pendulum(), [FaultSpec.Parse("gain:factor=0.5,start=30")], 7);
        var r = TrackingControllerTests.RunCli(faulty, 7, "--model", TrackingControllerTests.TinyModel, "--reference", reference,
            "--fault-monitor", exact, "--fault-threshold", "0.1", "--fault-alpha", "0.5", "--fault-estop", "--realtime", "false", "--episodes", "1", "--seed", "7");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("fault monitor inverse-", r.Out);                       // named in the session line with its threshold
        Assert.Contains("threshold 0.1, e-stop on alarm", r.Out);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(r.Out, @"fault monitor: ALARM at step 3[1-9] "), r.Out);   // within a few steps of the fault at step 30
        Assert.Contains("fault monitor: 1 alarm(s) in 1 episodes", r.Out);
        Assert.Contains("actuator fault alarm on robot 'fake'", r.Err);         // the safety event, logged
        // From the alarm on, the gate sends only the safe action, marked e-stop.
        int first = r.Driver.Commands.FindIndex(c => c.Safety == SafetyDecision.EStop);
        Assert.InRange(first, 31, 45);
        Assert.All(r.Driver.Commands.Skip(first), c => Assert.Equal((SafetyDecision.EStop, 0f), (c.Safety, c.Action[0])));
    }

    [Fact]
    public async Task Calibrate_WritesTheThresholdBesideTheModel_AndTheNextRunUsesIt_ButRefusesItForAnotherModel()
    {
        string reference = await InverseModelFiles.RecordEpisodeAsync(Path.Combine(_dir.Path, "ref"), new SwingUpPolicy(), 7);
        string model = Path.Combine(_dir.Path, "inv.onnx");
        File.Copy(TrackingControllerTests.TinyModel, model);
        var cal = TrackingControllerTests.RunCli(null, 100, "--model", TrackingControllerTests.TinyModel, "--reference", reference,
            "--fault-monitor", model, "--fault-calibrate", "--fault-margin", "2", "--realtime", "false", "--episodes", "3");
        Assert.True(cal.Code == 0, cal.Out + cal.Err);
        Assert.Contains("CALIBRATING", cal.Out);
        Assert.Matches(@"fault monitor calibrated on 3 healthy episodes \(3 from this run\): max smoothed residual [0-9.]+ x margin 2 = threshold", cal.Out);
        var c = FaultMonitorCalibration.TryRead(model)!;
        Assert.Equal(2f * c.EpisodeMaxSmoothed.Max(), c.Threshold, 1e-6f);
        Assert.Equal(FaultMonitorCalibration.MaxHealthyTimesMargin, c.Method);

        var run = TrackingControllerTests.RunCli(null, 7, "--model", TrackingControllerTests.TinyModel, "--reference", reference,
            "--fault-monitor", model, "--realtime", "false", "--episodes", "1", "--seed", "7");
        Assert.True(run.Code == 0, run.Out + run.Err);
        Assert.Contains(FormattableString.Invariant($"threshold {c.Threshold:G4}"), run.Out);
        Assert.True(run.Out.Contains("fault monitor: 0 alarm(s) in 1 episodes"), run.Out);

        File.Copy(InverseModelFiles.WriteExactPendulum(_dir.Path), model, overwrite: true);   // another model, same name
        var stale = TrackingControllerTests.RunCli(null, 7, "--model", TrackingControllerTests.TinyModel, "--reference", reference,
            "--fault-monitor", model, "--realtime", "false", "--episodes", "1");
        Assert.Equal(2, stale.Code);
        Assert.Contains("was made for another model", Assert.Single(stale.Err.Trim().Split('\n'), l => l.StartsWith("error:")));
        Assert.Equal(0, stale.Driver.Writes);
    }

    [Fact]
    public void FaultMonitorFlags_AreCheckedBeforeAnyCommand_EachOnOneLine()
    {
        string ensemble = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard());
        string exact = InverseModelFiles.WriteExactPendulum(_dir.Path);
        foreach (var (args, message) in new (string[], string)[]
        {
            (["--fault-monitor", ensemble, "--fault-threshold", "0.1"], "is a 'ensemble-dynamics' model, not an 'inverse-dynamics' one"),
            (["--fault-threshold", "0.1"], "--fault-threshold needs --fault-monitor MODEL"),
            (["--fault-monitor", exact], "no threshold: give --fault-threshold or calibrate first"),
            (["--fault-monitor", exact, "--fault-threshold", "-1"], "--fault-threshold must be finite and > 0"),
            (["--fault-monitor", exact, "--fault-calibrate", "--fault-estop"], "--fault-calibrate never alarms"),
        })
        {
            var r = TrackingControllerTests.RunCli(null, 0, ["--model", ensemble, "--realtime", "false", "--episodes", "1", .. args]);
            Assert.True(r.Code == 2, string.Join(" ", args) + ": " + r.Out + r.Err);
            Assert.Contains(message, Assert.Single(r.Err.Trim().Split('\n'), l => l.StartsWith("error:")));
            Assert.Equal(0, r.Driver.Writes);
        }
    }

    [Fact]
    public void Watch_SkipsTransitionsThatCannotSayWhatWasApplied_AndChecksTheRest()
    {
        using var watch = Watch(new FaultMonitorSettings { ModelPath = InverseModelFiles.WriteExactPendulum(_dir.Path), Threshold = 0.1f, Alpha = 1f });
        float c = MathF.Cos(0.5f), sn = MathF.Sin(0.5f);
        float u = 0.3f / (3 * 0.05f) - 5 * sn;  // the exact inverse of d thdot 0.3 at theta 0.5
        float[] s = [c, sn, 0], sent = [u];
        float[] moved = [c, sn, 0.3f];
        float[] clipped = [c, sn, 8f];          // on Pendulum's 8 rad/s bound: the torque is hidden
        watch.Observe(s, sent, moved, 2, TimeSpan.Zero, null);                          // the loop missed a state
        watch.Observe(s, sent, moved, 1, TimeSpan.FromMilliseconds(30), null);          // command left 30 ms after a 50 ms period's state
        watch.Observe(s, sent, clipped, 1, TimeSpan.Zero, null);
        watch.Observe(s, [u + 1f], moved, 1, TimeSpan.Zero, false);                     // the robot says it applied another command: not a fault
        Assert.Equal((0L, 4L), (watch.Episode.Checked, watch.Episode.Skipped));
        watch.Observe(s, sent, moved, 1, TimeSpan.FromMilliseconds(10), true);
        Assert.Equal(1L, watch.Episode.Checked);
        Assert.Equal(0f, watch.Smoothed, 1e-4f);
        watch.Observe(s, [u + 1f], moved, 1, TimeSpan.Zero, null);                      // commanded 1 N m more than the robot did: residual 0.5
        Assert.True(watch.Alarmed);
        Assert.Equal(6L, watch.Episode.AlarmStep);                                      // the episode's sixth transition, skipped ones counted
        Assert.Equal(1L, watch.Alarms);
    }

    [Fact]
    public async Task Tick_WithTheFaultWatchBesideTheController_AllocatesZeroBytes()
    {
        var driver = new LockstepEnvDriver(new FaultyEnvironment(new Pendulum(), [FaultSpec.Parse("gain:factor=0.5,start=10")], 3), 3) { Endless = true };
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        using var watch = Watch(new FaultMonitorSettings { ModelPath = TrackingControllerTests.TinyModel, Threshold = 1e6f });
        var loop = new ControlLoop(driver, spec, new SwingUpPolicy(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 5_000 }, new FakeTimeProvider()) { TransitionObserver = watch };
        await loop.StartEpisodeAsync(default);
        for (int i = 0; i < 20; i++) loop.Tick();
        Action window = () => { for (int i = 0; i < 1_000; i++) loop.Tick(); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window, out int ran));
        Assert.Equal(19 + 1_000 * ran, watch.Episode.Checked);

        Assert.True(watch.Smoothed > 0);
    }
}
