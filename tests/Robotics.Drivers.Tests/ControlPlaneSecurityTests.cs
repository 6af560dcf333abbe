using Robotics.Core.Robots;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Sim.Serve;
using Xunit.Abstractions;

namespace Robotics.Drivers.Tests;

/// <summary>
/// Issue 13 on real components: Mosquitto with the shipped config and ACL, the virtual robot, the runtime's
/// MQTT driver, all on 127.0.0.1. Who can stop, who can release, who can move the robot.
/// </summary>
public class ControlPlaneSecurityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const string Engage = """{"engage":true,"reason":"test"}""";
    private const string Release = """{"step":"release","reason":"test"}""";
    private const string ReArm = """{"step":"rearm","reason":"test"}""";
    private const string FullTorque = """{"seq":100,"state_seq":0,"action":[2],"ttl_ms":500,"safety":"ok"}""";

    private static VirtualRobotOptions Pendulum(string id, int periodMs = 20) => new()
    {
        EnvId = "pendulum", RobotId = id, Period = TimeSpan.FromMilliseconds(periodMs), Seed = 3,
    };

    private static async Task<MqttRobotDriver> ConfiguredDriverAsync(ShippedBroker broker, string role, string id, EStopLatch? latch, CancellationToken ct)
    {
        var o = RobotUri.ParseMqtt(broker.Address(role, id));
        var driver = new MqttRobotDriver(o with { Connection = o.Connection with { Reconnect = RobotHost.QuickReconnect } }, TimeProvider.System, new ListLogger(), latch);
        await driver.ConfigureAsync(ct);
        await driver.ActivateAsync(ct);
        return driver;
    }

    [Fact]
    public async Task OnlyTheOperator_ReleasesTheEStop_InTwoSteps_NobodyElseMovesTheRobot_AndMotionResumesRamped()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var broker = new ShippedBroker();
        await using var robot = RobotHost.Mqtt(broker.Connection("robot"), Pendulum("sec1"));
        await MqttDriverTests.Eventually(() => robot.Robot.Steps > 5, cts.Token);

        // No controller is running: an anonymous client is refused at CONNECT, an observer's and an operator's
        // commands are dropped by the ACL. The robot never applies them.
        Assert.NotEqual(0, broker.Pub(null, "robots/sec1/command", FullTorque).Code);
        broker.Pub("observer", "robots/sec1/command", FullTorque);
        broker.Pub("operator", "robots/sec1/command", FullTorque);
        await Task.Delay(300, cts.Token);
        Assert.Equal(0, robot.Robot.CommandsReceived);
        Assert.Equal(0, robot.Robot.CommandSteps);

        // The runtime (controller role) drives at full torque; any role may engage: here the observer.
        var latch = new EStopLatch();
        await using var driver = await ConfiguredDriverAsync(broker, "controller", "sec1", latch, cts.Token);
        using var stopDriving = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var driving = TestLoop.DriveAsync(driver, driver.Spec!, () => 2f, stopDriving.Token);
        await MqttDriverTests.Eventually(() => robot.Robot.CommandSteps > 5, cts.Token);
        Assert.Equal(0, broker.Pub("observer", "robots/sec1/estop", Engage, retain: true).Code);
        await MqttDriverTests.Eventually(() => robot.Robot.EStopEngaged && latch.IsEngaged, cts.Token);

        // Nobody but the operator resets it: anonymous is refused, observer and controller are not authorised,
        // "engage":false on the engage topic and clearing the retained engage release nothing.
        Assert.NotEqual(0, broker.Pub(null, "robots/sec1/estop/reset", Release).Code);
        foreach (string role in new[] { "observer", "controller", "robot" })
        {
            var (_, err) = broker.Pub(role, "robots/sec1/estop/reset", Release);
            Assert.Contains("not authorized", err, StringComparison.OrdinalIgnoreCase);
            broker.Pub(role, "robots/sec1/estop/reset", ReArm);
        }
        broker.Pub("controller", "robots/sec1/estop", """{"engage":false,"reason":"let me go"}""", retain: true);
        broker.Pub("controller", "robots/sec1/estop", "", retain: true);
        long stoppedSteps = robot.Robot.EStopSteps;
        await Task.Delay(400, cts.Token);
        Assert.True(robot.Robot.EStopEngaged, "no one but the operator released it");
        Assert.Equal(EStopStage.Engaged, robot.Robot.EStopStage);
        Assert.True(latch.IsEngaged && latch.Stage == EStopStage.Engaged);
        Assert.True(robot.Robot.EStopSteps > stoppedSteps, "while stopped the robot steps with the safe action only");

        // The operator: release alone restarts nothing; re-arm does, and the action ramps up from the safe action.
        var applied = new System.Collections.Concurrent.ConcurrentQueue<float>();
        Assert.Equal(0, broker.Pub("operator", "robots/sec1/estop/reset", Release).Code);
        await MqttDriverTests.Eventually(() => robot.Robot.EStopStage == EStopStage.ReleaseRequested && latch.Stage == EStopStage.ReleaseRequested, cts.Token);
        await Task.Delay(200, cts.Token);
        Assert.True(robot.Robot.EStopEngaged, "a release request alone never restarts motion");
        robot.Robot.Stepped += a => applied.Enqueue(a[0]);
        Assert.Equal(0, broker.Pub("operator", "robots/sec1/estop/reset", ReArm).Code);
        await MqttDriverTests.Eventually(() => !robot.Robot.EStopEngaged && applied.Count(v => v == 2f) >= 3, cts.Token);
        Assert.Equal(EStopStage.ReArmed, latch.Stage); // the runtime heard the same reset; its gate completes it on the next state
        stopDriving.Cancel();
        await driving;

        var after = applied.SkipWhile(v => v == 0f).ToArray(); // safe-action steps until the first command after re-arm
        float step = 0.05f * 4f;                               // the robot's ramp: 5 % of the [-2, 2] range per step
        Assert.True(after[0] <= step + 1e-5f, $"the first command after re-arm moved the robot to {after[0]}, not from the safe action");
        for (int k = 1; k < after.Length; k++) Assert.True(after[k] - after[k - 1] <= step + 1e-5f, $"step {k}: {after[k - 1]} -> {after[k]}");
        int rampSteps = Array.IndexOf(after, 2f);
        output.WriteLine($"after re-arm: {string.Join(", ", after.Take(12))} (full torque after {rampSteps} steps)");
        Assert.InRange(rampSteps, 9, 11);                      // 2 / 0.2 = 10 steps to full torque
        Assert.True(robot.Robot.RampedSteps >= 9);
    }

    [Fact]
    public async Task HugeTtl_MovesTheRobotForAtMostItsCap_AndASecondControllerSessionIsDroppedAndCounted()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var broker = new ShippedBroker();
        var options = Pendulum("sec2") with { MaxTtl = TimeSpan.FromMilliseconds(200), LeaseTimeout = TimeSpan.FromMilliseconds(600) };
        await using var robot = RobotHost.Mqtt(broker.Connection("robot"), options);
        await MqttDriverTests.Eventually(() => robot.Robot.Steps > 5, cts.Token);

        // One command with ttl 2^31-1 ms from an authenticated controller and nothing after it.
        broker.Pub("controller", "robots/sec2/command", """{"seq":1,"state_seq":0,"action":[2],"ttl_ms":2147483647,"safety":"ok"}""");
        await MqttDriverTests.Eventually(() => robot.Robot.CommandSteps > 0, cts.Token);
        await Task.Delay(1500, cts.Token);
        long moved = robot.Robot.CommandSteps;
        output.WriteLine($"ttl 2147483647 ms, cap 200 ms, 20 ms period: moved {moved} steps");
        Assert.InRange(moved, 1, 200 / 20 + 1);                // at most the cap (200 ms) of 20 ms steps
        Assert.Equal(1, robot.Robot.TtlCapped);
        Assert.True(robot.Robot.SafeActionSteps > 20, "then the robot's own safe action"); // ~65 at 20 ms; fewer on a loaded machine

        // The runtime takes the lease (after the stock client's ran out); a second runtime's commands are dropped.
        await using var first = await ConfiguredDriverAsync(broker, "controller", "sec2", null, cts.Token);
        await using var second = await ConfiguredDriverAsync(broker, "controller", "sec2", null, cts.Token);
        Assert.NotEqual(first.ControllerSession, second.ControllerSession);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var a = TestLoop.DriveAsync(first, first.Spec!, () => 0.5f, stop.Token);
        await MqttDriverTests.Eventually(() => robot.Robot.LeaseHolder == first.ControllerSession, cts.Token);
        var b = TestLoop.DriveAsync(second, second.Spec!, () => -2f, stop.Token);
        await MqttDriverTests.Eventually(() => robot.Robot.CommandsOtherSession > 20, cts.Token);
        Assert.Equal(first.ControllerSession, robot.Robot.LeaseHolder);
        Assert.Equal([0.5f], robot.Robot.LastCommand.Action);  // the second session's -2 never applied
        Assert.True(second.Counters.CommandsSent > 20, "the second runtime did send");
        output.WriteLine($"second session: {second.Counters.CommandsSent} sent, {robot.Robot.CommandsOtherSession} dropped by the robot");

        // The lease holder stops cleanly ("offline"): the other session may take over.
        stop.Cancel();
        await Task.WhenAll(a, b);
        await first.ShutdownAsync(cts.Token);
        // Its last command, the safe action on deactivation, carries its session: the lease lets it through.
        await MqttDriverTests.Eventually(() => robot.Robot.LastCommand is { Safety: SafetyDecision.Fallback, Action: [0f] }, cts.Token);
        using var stop2 = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var c = TestLoop.DriveAsync(second, second.Spec!, () => -2f, stop2.Token);
        await MqttDriverTests.Eventually(() => robot.Robot.LeaseHolder == second.ControllerSession && robot.Robot.LastCommand.Action[0] == -2f, cts.Token);
        stop2.Cancel();
        await c;
    }

    [Fact]
    public async Task EStopLatchedOnTheRobot_SurvivesARobotRestart_AndReArmNeedsAFreshRelease()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var broker = new ShippedBroker();
        string file = Path.Combine(broker.Dir, "sec3.estop");
        var options = Pendulum("sec3") with { EStopFile = file, ReleaseWindow = TimeSpan.FromSeconds(1) };
        await using (var robot = RobotHost.Mqtt(broker.Connection("robot"), options))
        {
            await robot.Robot.PressEStopAsync("button", cts.Token);
            Assert.True(File.Exists(file));
        }
        // The retained engage is cleared by someone (any role can write the topic): the latch file still holds.
        broker.Pub("observer", "robots/sec3/estop", "", retain: true);
        await using var restarted = RobotHost.Mqtt(broker.Connection("robot"), options);
        var latch = new EStopLatch();
        await using var driver = await ConfiguredDriverAsync(broker, "controller", "sec3", latch, cts.Token);
        Assert.True(restarted.Robot.EStopEngaged);
        await MqttDriverTests.Eventually(() => latch.IsEngaged, cts.Token); // the robot's "estop" status latches the runtime

        // A release request expires: a re-arm after the window is refused.
        broker.Pub("operator", "robots/sec3/estop/reset", Release);
        await MqttDriverTests.Eventually(() => restarted.Robot.EStopStage == EStopStage.ReleaseRequested, cts.Token);
        await Task.Delay(1300, cts.Token);
        broker.Pub("operator", "robots/sec3/estop/reset", ReArm);
        await MqttDriverTests.Eventually(() => restarted.Robot.EStopRefused == 1, cts.Token);
        Assert.True(restarted.Robot.EStopEngaged && File.Exists(file));
        // The runtime's own window is longer, so it re-armed on that message; the robot's "estop" latches it again.
        await MqttDriverTests.Eventually(() => latch.Stage == EStopStage.Engaged, cts.Token);
    }

    [Fact]
    public async Task ShippedTlsListener_NeedsTheCaAClientCertificateAndThePassword()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var broker = new ShippedBroker(tls: true);
        string Tls(string role, string id, bool cert = true) =>
            $"mqtts://{role}@127.0.0.1:{broker.TlsPort}/{id}?ca={broker.CaFile}&password_file={broker.PasswordFile(role)}" +
            (cert ? $"&cert={broker.Dir}/tls/clients/{role}.pem&key={broker.Dir}/tls/clients/{role}.key" : "");
        var robotConnection = RobotUri.ParseMqtt(Tls("robot", "tls1")).Connection with { Reconnect = RobotHost.QuickReconnect };
        await using var robot = RobotHost.Mqtt(robotConnection, Pendulum("tls1") with { Lockstep = true, Period = null });
        await using (var driver = new MqttRobotDriver(RobotUri.ParseMqtt(Tls("controller", "tls1")) with { ConfigureTimeout = TimeSpan.FromSeconds(20) }))
        {
            var spec = await driver.ConfigureAsync(cts.Token);
            await driver.ActivateAsync(cts.Token);
            Assert.Equal(10, (await TestLoop.RunEpisodeAsync(driver, spec, _ => 0.3f, 10, cts.Token)).States);
        }
        // Without a client certificate, or without trusting the private CA, there is no session.
        foreach (string bad in new[] { Tls("controller", "tls1", cert: false), Tls("controller", "tls1").Replace($"ca={broker.CaFile}&", "") })
        {
            await using var driver = new MqttRobotDriver(RobotUri.ParseMqtt(bad) with { ConfigureTimeout = TimeSpan.FromSeconds(2) });
            var e = await Assert.ThrowsAsync<TimeoutException>(async () => await driver.ConfigureAsync(cts.Token));
            Assert.Contains("not reachable", e.Message);
        }
    }
}
