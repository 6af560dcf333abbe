using Robotics.Core.Episodes;
using Robotics.Core.Robots;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Serial;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Runtime.Loop;
using Robotics.Safety;

namespace Robotics.Drivers.Tests;

/// <summary>
/// Hardware-in-the-loop with the runtime's own control loop and safety gate: ControlLoop -> SafetyGate ->
/// driver -> broker or pty -> virtual pendulum, and back. The policy is the hand-written swing-up (the
/// transport is under test, not the learner).
/// </summary>
public class RuntimeLoopHilTests
{
    private sealed class SwingUpPolicy : Robotics.Runtime.Controllers.IController
    {
        public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }
        public void Dispose() { }
        public int ActDim => 1;
        public void Reset() { }
        public void Act(ReadOnlySpan<float> obs, Span<float> action) => action[0] = SwingUpController.Act(obs);
        public ReadOnlySpan<float> Candidates => [];
    }

    private static async Task<(EpisodeReport Report, EStopLatch EStop, SafetyGate Gate)> RunAsync(IRobotDriver driver, bool realtime, CancellationToken ct)
    {
        var log = new ListLogger();
        var spec = await driver.ConfigureAsync(ct);
        await driver.ActivateAsync(ct);
        var estop = new EStopLatch();
        var gate = SafetyGate.Create(spec, null, null, estop, TimeProvider.System, log);
        var loop = new ControlLoop(driver, spec, new SwingUpPolicy(), gate, new ControlLoopOptions
        {
            Realtime = realtime,
            MaxEpisodeSteps = 1000,
            StateTimeout = TimeSpan.FromSeconds(10),
            RobotId = spec.Id,
            Source = DataSource.Real,
        }, TimeProvider.System, log);
        var report = await loop.RunEpisodeAsync(0, null, ct);
        return (report, estop, gate);
    }

    private static void AssertSwungUp(EpisodeReport r, bool lockstep = true)
    {
        Assert.True(r.Truncated, "the pendulum episode ends truncated after 200 steps");
        // Lock-step sees every transition. In real time the loop reads the newest state, so how many of
        // the robot's 200 steps it sees depends on scheduling (a loaded CI machine skips more): assert
        // the outcome, not the count.
        if (lockstep) Assert.Equal(200, r.Steps);
        else Assert.InRange(r.Steps, 60, 200);
        // The last quarter of what the loop saw is the last ~50 robot steps whatever the loop skipped.
        var last50 = r.Transitions!.Transitions.TakeLast(lockstep ? 50 : Math.Max(10, r.Steps / 4)).ToList();
        Assert.All(last50, t => Assert.True(MathF.Abs(MathF.Atan2(t.NextObs[1], t.NextObs[0])) < 0.3f, "upright for the last 50 steps"));
        Assert.True(r.Return > -400, $"return {r.Return:F1}");
    }

    [Fact]
    public async Task RuntimeLoop_OverEmbeddedBroker_SwingsThePendulumUp()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        await using var robot = RobotHost.Mqtt(broker.Port, "hil", lockstep: true, seed: 21);
        await using var driver = RobotDriverFactory.Create($"mqtt://127.0.0.1:{broker.Port}/hil");
        var (report, _, _) = await RunAsync(driver, realtime: false, cts.Token);
        AssertSwungUp(report);
    }

    [Fact]
    public async Task RuntimeLoop_OverMosquitto_InRealTime_SwingsThePendulumUp()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var mosquitto = new MosquittoProcess();
        await using var robot = RobotHost.Mqtt(mosquitto.Port, "hilrt", lockstep: false, seed: 22);
        await using var driver = RobotDriverFactory.Create($"mqtt://127.0.0.1:{mosquitto.Port}/hilrt");
        var (report, _, _) = await RunAsync(driver, realtime: true, cts.Token); // 200 x 50 ms: 10 s
        AssertSwungUp(report, lockstep: false);
        Assert.Equal(0, ((MqttRobotDriver)driver).Counters.StatesRejected);
    }

    [Fact]
    public async Task RuntimeLoop_OverSerialPty_SwingsThePendulumUp()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var pty = new SocatPtyPair();
        await using var robot = RobotHost.Serial(pty.B, lockstep: true, seed: 23);
        await using var driver = RobotDriverFactory.Create($"serial://{pty.A}?baud=115200");
        Assert.IsType<SerialRobotDriver>(driver);
        var (report, _, _) = await RunAsync(driver, realtime: false, cts.Token);
        AssertSwungUp(report);
    }

    [Fact]
    public async Task RuntimeLoop_BrokerKilledMidEpisode_LoopResumesAndFinishes_RobotHeldSafeActionDuringGap()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var mosquitto = new MosquittoProcess();
        // 20 ms period: 200 steps take 4 s; the broker is down for about 1 s of them.
        await using var robot = RobotHost.Mqtt(mosquitto.Port, "hilk", lockstep: false, period: TimeSpan.FromMilliseconds(20), seed: 24);
        var o = RobotUri.ParseMqtt($"mqtt://127.0.0.1:{mosquitto.Port}/hilk");
        await using var driver = new MqttRobotDriver(o with { Connection = o.Connection with { Reconnect = RobotHost.QuickReconnect } });
        var run = RunAsync(driver, realtime: true, cts.Token);
        await MqttDriverTests.Eventually(() => robot.Robot.Steps > 40, cts.Token);
        mosquitto.Kill();
        await Task.Delay(1000, cts.Token);
        long safeDuringGap = robot.Robot.SafeActionSteps;
        mosquitto.Start();
        var (report, _, _) = await run; // no exception escapes the loop

        Assert.True(report.Steps > 0);
        Assert.True(driver.Counters.Reconnects >= 1, driver.Counters.ToString());
        Assert.True(safeDuringGap > 0, "the robot applied its safe action once the last command's ttl ran out");
    }
}
