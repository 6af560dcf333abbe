using System.Net;
using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Tests.Fixtures;

namespace Robotics.Drivers.Tests;

public class MqttDriverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static MqttRobotDriver Driver(int port, string id, ListLogger log, EStopLatch? estop = null, TimeSpan? configureTimeout = null)
    {
        var o = RobotUri.ParseMqtt($"mqtt://127.0.0.1:{port}/{id}");
        o = o with
        {
            Connection = o.Connection with { Reconnect = RobotHost.QuickReconnect },
            ConfigureTimeout = configureTimeout ?? TimeSpan.FromSeconds(10),
        };
        return new MqttRobotDriver(o, TimeProvider.System, log, estop);
    }

    [Fact]
    public async Task EmbeddedBroker_HardwareInTheLoop_SwingsThePendulumUp_InLockstep()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        await using var robot = RobotHost.Mqtt(broker.Port, "r1", lockstep: true, seed: 3);
        var log = new ListLogger();
        await using var driver = Driver(broker.Port, "r1", log);
        var spec = await driver.ConfigureAsync(cts.Token);
        Assert.Equal(("r1", "pendulum", 3, 1), (spec.Id, spec.EnvId, spec.ObservationSpace.Dimension, spec.ActionSpace.Dimension));
        await driver.ActivateAsync(cts.Token);

        var run = await TestLoop.RunEpisodeAsync(driver, spec, s => SwingUpController.Act(s.Obs), 300, cts.Token);

        Assert.True(run.Ended, "the episode should end truncated after 200 steps");
        Assert.Equal(201, run.States); // the reset state + 200 steps
        Assert.Equal(50, run.UpInLast50);
        Assert.Equal(0, driver.Counters.StatesRejected);
        Assert.Equal(200, robot.Robot.Steps);
        await driver.ShutdownAsync(cts.Token);
    }

    [Fact]
    public async Task Mosquitto_HardwareInTheLoop_SwingsThePendulumUp_InRealTime()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var mosquitto = new MosquittoProcess();
        // A 10 ms period keeps the test short; the robot is paced by its clock, not by our commands.
        await using var robot = RobotHost.Mqtt(mosquitto.Port, "rt", lockstep: false, period: TimeSpan.FromMilliseconds(10), seed: 5);
        var log = new ListLogger();
        await using var driver = Driver(mosquitto.Port, "rt", log);
        var spec = await driver.ConfigureAsync(cts.Token);
        await driver.ActivateAsync(cts.Token);

        var run = await TestLoop.RunEpisodeAsync(driver, spec, s => SwingUpController.Act(s.Obs), 400, cts.Token);

        Assert.True(run.Ended);
        Assert.Equal(50, run.UpInLast50);
        Assert.Equal(0, driver.Counters.StatesRejected);
        Assert.True(driver.Counters.CommandsSent > 150, driver.Counters.ToString());
    }

    [Fact]
    public async Task Driver_RejectsMalformedWrongLengthAndNaNStates_LogsAndCountsThem_NeverPassesThemOn()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var mosquitto = new MosquittoProcess();
        // A hand-made robot: retained spec from mosquitto_pub, then states of every kind.
        MqttCli.Pub(mosquitto.Port, "robots/fake/spec",
            """{"id":"fake","env":"pendulum","control_period_ms":50,"observation":{"names":["c","s","w"],"low":[-1,-1,-8],"high":[1,1,8]},"action":{"names":["u"],"low":[-2],"high":[2]},"safe_action":[0]}""",
            retain: true);
        var log = new ListLogger();
        await using var driver = Driver(mosquitto.Port, "fake", log);
        var spec = await driver.ConfigureAsync(cts.Token);
        Assert.Equal(3, spec.ObservationSpace.Dimension);

        MqttCli.Pub(mosquitto.Port, "robots/fake/state", """{"seq":1,"t":0.05,"obs":[1,0,0.5]}""");
        Assert.True(await driver.WaitForStateAsync(long.MinValue, TimeSpan.FromSeconds(5), cts.Token));
        MqttCli.Pub(mosquitto.Port, "robots/fake/state", """{"seq":2,"t":0.10,"obs":[1,0,""");       // malformed
        MqttCli.Pub(mosquitto.Port, "robots/fake/state", """{"seq":3,"t":0.15,"obs":[1,0]}""");       // wrong length
        MqttCli.Pub(mosquitto.Port, "robots/fake/state", """{"seq":4,"t":0.20,"obs":[1,"NaN",0]}"""); // NaN
        MqttCli.Pub(mosquitto.Port, "robots/fake/state", """{"seq":5,"t":0.25,"obs":[1,0,1e39]}""");  // overflows float32
        MqttCli.Pub(mosquitto.Port, "robots/fake/state", """{"seq":0,"t":0.30,"obs":[1,0,0]}""");     // older than seq 1
        MqttCli.Pub(mosquitto.Port, "robots/fake/state", """{"seq":6,"t":0.35,"obs":[0,1,-2]}""");

        var s = new StateBuffer(3);
        Assert.True(await driver.WaitForStateAsync(1, TimeSpan.FromSeconds(5), cts.Token));
        Assert.True(driver.TryRead(s, 1));
        Assert.Equal(6, s.Seq);             // the first state after seq 1 that the loop sees is the next good one
        Assert.Equal([0f, 1f, -2f], s.Obs);
        Assert.Equal(2, driver.Counters.StatesAccepted);
        Assert.Equal(5, driver.Counters.StatesRejected);
        foreach (var reason in new[] { "Malformed", "WrongLength", "NonFinite", "OutOfOrder" })
            Assert.True(log.Contains(LogLevel.Warning, $"state rejected ({reason}"), $"no log line for {reason}");
    }

    [Fact]
    public async Task StockClients_WatchAndPokeARobot_AndEStopLatchesUntilReleased()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var mosquitto = new MosquittoProcess();
        await using var robot = RobotHost.Mqtt(mosquitto.Port, "r7", lockstep: false, period: TimeSpan.FromMilliseconds(20));
        var latch = new EStopLatch();
        await using var driver = Driver(mosquitto.Port, "r7", new ListLogger(), latch);
        var spec = await driver.ConfigureAsync(cts.Token);
        await driver.ActivateAsync(cts.Token);
        using var sub = MqttCli.StartSub(mosquitto.Port, "robots/r7/#", 40);
        var loop = TestLoop.RunEpisodeAsync(driver, spec, _ => 1.0f, 60, cts.Token);

        string watched = await sub.StandardOutput.ReadToEndAsync(cts.Token);
        await loop;
        Assert.Contains("robots/r7/spec {\"id\":\"r7\"", watched);
        Assert.Contains("robots/r7/status online", watched);
        Assert.Contains("robots/r7/controller/status online", watched);
        Assert.Matches("robots/r7/state \\{\"seq\":\\d+,\"t\":", watched);
        Assert.Matches("robots/r7/command \\{\"seq\":\\d+,\"state_seq\":\\d+,\"action\":\\[1\\],\"ttl_ms\":500,\"safety\":\"ok\",\"session\":\\d+\\}", watched);

        MqttCli.Pub(mosquitto.Port, "robots/r7/estop", """{"engage":true,"reason":"operator"}""", retain: true);
        await Eventually(() => robot.Robot.EStopEngaged && latch.IsEngaged, cts.Token);
        Assert.Equal("operator", latch.Reason);
        long estopStepsBefore = robot.Robot.EStopSteps;
        await TestLoop.RunEpisodeAsync(driver, spec, _ => 2.0f, 10, cts.Token, afterSeq: robot.Robot.StateSeq);
        Assert.True(robot.Robot.EStopSteps > estopStepsBefore, "while engaged the robot applies only the safe action");
        var (_, status, _) = MqttCli.Run(ExternalTool.Require("mosquitto_sub", "mosquitto-clients"),
            ["-h", "127.0.0.1", "-p", mosquitto.Port.ToString(), "-i", "status-reader", "-t", "robots/r7/status", "-C", "1", "-W", "5"], TimeSpan.FromSeconds(10));
        Assert.Equal("estop", status.Trim());

        // "engage":false on the engage topic releases nothing (anyone may write it); the reset is two steps on estop/reset.
        MqttCli.Pub(mosquitto.Port, "robots/r7/estop", """{"engage":false,"reason":"cleared"}""", retain: true);
        await Eventually(() => driver.Counters.EStopRefused >= 1, cts.Token);
        Assert.True(robot.Robot.EStopEngaged && latch.IsEngaged);
        MqttCli.Pub(mosquitto.Port, "robots/r7/estop/reset", """{"step":"release","reason":"checked"}""");
        await Eventually(() => latch.Stage == EStopStage.ReleaseRequested && robot.Robot.EStopStage == EStopStage.ReleaseRequested, cts.Token);
        MqttCli.Pub(mosquitto.Port, "robots/r7/estop/reset", """{"step":"rearm","reason":"checked"}""");
        await Eventually(() => !robot.Robot.EStopEngaged && latch.Stage == EStopStage.ReArmed, cts.Token);
        Assert.True(latch.IsEngaged, "the runtime's latch clears only when the gate completes the release on a fresh state");
    }

    [Fact]
    public async Task BrokerKilledAndRestartedMidEpisode_DriverReconnects_LoopResumes_SafeActionDuringGap()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var mosquitto = new MosquittoProcess();
        await using var robot = RobotHost.Mqtt(mosquitto.Port, "rk", lockstep: false, period: TimeSpan.FromMilliseconds(20));
        var log = new ListLogger();
        await using var driver = Driver(mosquitto.Port, "rk", log);
        var spec = await driver.ConfigureAsync(cts.Token);
        await driver.ActivateAsync(cts.Token);

        // A real-time loop like the runtime's: every 5 ms read; fresh state -> policy, stale -> safe action.
        var watchdog = new StateWatchdog(new StateWatchdogOptions(TimeSpan.FromMilliseconds(100)), TimeProvider.System, driver.Counters, log);
        long safeWrites = 0, policyWrites = 0, seqAtKill = 0, seqAfter = 0;
        var state = new StateBuffer(3);
        var command = new CommandBuffer(1) { TtlMs = 100 };
        using var stopLoop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            long last = long.MinValue;
            while (!stopLoop.IsCancellationRequested)
            {
                if (driver.TryRead(state, last)) last = state.Seq;
                command.Seq++;
                command.StateSeq = last;
                if (watchdog.IsFresh(state)) { command.Action[0] = SwingUpController.Act(state.Obs); command.Safety = SafetyDecision.Ok; policyWrites++; }
                else { command.Action[0] = 0f; command.Safety = SafetyDecision.Fallback; safeWrites++; }
                driver.Write(command);
                Interlocked.Exchange(ref seqAfter, last);
                await Task.Delay(5);
            }
        });

        await Eventually(() => Interlocked.Read(ref seqAfter) > 20, cts.Token);
        mosquitto.Kill();
        seqAtKill = Interlocked.Read(ref seqAfter);
        await Task.Delay(1000, cts.Token);
        long safeBeforeRestart = Interlocked.Read(ref safeWrites);
        long robotSafeSteps = robot.Robot.SafeActionSteps;
        mosquitto.Start();
        await Eventually(() => Interlocked.Read(ref seqAfter) > seqAtKill + 20, cts.Token);
        stopLoop.Cancel();
        await loop; // rethrows anything that escaped the loop

        Assert.True(driver.Counters.Reconnects >= 1, driver.Counters.ToString());
        Assert.True(driver.Counters.Disconnects >= 1);
        Assert.True(driver.Counters.StaleEvents >= 1, "the watchdog saw the outage");
        Assert.True(safeBeforeRestart > 0, "the loop sent the safe action while the state was stale");
        Assert.True(robotSafeSteps > 0, "the robot applied its safe action once the last command's ttl ran out");
        Assert.True(driver.Counters.CommandsDropped > 0, "commands issued during the gap were dropped, not queued");
        Assert.True(log.Contains(LogLevel.Warning, "reconnecting"));
        Assert.True(log.Contains(LogLevel.Information, "reconnected"));
    }

    [Fact]
    public async Task DriverWriteAndTryRead_AllocateNothing_OverMqtt()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        await using var robot = RobotHost.Mqtt(broker.Port, "ra", lockstep: false, period: TimeSpan.FromMilliseconds(10));
        await using var driver = Driver(broker.Port, "ra", new ListLogger());
        var spec = await driver.ConfigureAsync(cts.Token);
        await driver.ActivateAsync(cts.Token);
        Assert.True(await driver.WaitForStateAsync(long.MinValue, TimeSpan.FromSeconds(5), cts.Token));
        AllocationAssert.HotPathAllocatesNothing(driver, spec);
        await MqttDriverTests.Eventually(() => driver.Counters.CommandsSent > 0, cts.Token);
    }

    [Fact]
    public async Task CleanShutdown_DoesNotReconnect_AndLeavesARetainedOfflineStatus()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        await using var robot = RobotHost.Mqtt(broker.Port, "rs", lockstep: true);
        var log = new ListLogger();
        var driver = Driver(broker.Port, "rs", log);
        await driver.ConfigureAsync(cts.Token);
        await driver.ActivateAsync(cts.Token);
        await driver.ShutdownAsync(cts.Token);
        await Task.Delay(500, cts.Token);
        Assert.Equal(0, driver.Counters.Reconnects);
        Assert.Equal(0, driver.Counters.Disconnects);
        Assert.False(driver.IsConnected);
        // (A first connect attempt may time out on a loaded machine and be retried; that is not a reconnect.)
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("reconnecting", StringComparison.Ordinal) || l.Message.Contains("reconnected", StringComparison.Ordinal));
        await driver.DisposeAsync();

        var retained = await ReadRetainedAsync(broker.Port, "robots/rs/controller/status", cts.Token);
        Assert.Equal("offline", retained);
    }

    [Fact]
    public async Task RobotThatVanishes_LeavesItsLastWillOffline_AndTheDriverNotices()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var mosquitto = new MosquittoProcess();
        var robot = RobotHost.Mqtt(mosquitto.Port, "lw", lockstep: false, period: TimeSpan.FromMilliseconds(20));
        await using var driver = Driver(mosquitto.Port, "lw", new ListLogger());
        await driver.ConfigureAsync(cts.Token);
        await Eventually(() => driver.RobotOnline, cts.Token);
        await robot.DisposeAsync(); // clean stop publishes "offline" itself
        await Eventually(() => !driver.RobotOnline, cts.Token);
    }

    [Fact]
    public async Task Configure_FailsWithAClearMessage_WhenNoRobotPublishesASpec()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        await using var driver = Driver(broker.Port, "ghost", new ListLogger(), configureTimeout: TimeSpan.FromMilliseconds(500));
        var e = await Assert.ThrowsAsync<TimeoutException>(async () => await driver.ConfigureAsync(CancellationToken.None));
        Assert.Contains("no retained spec on 'robots/ghost/spec'", e.Message);
    }

    [Fact]
    public async Task EmbeddedBroker_AssignsClientIds_WhenClientsSendNone()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        Assert.Equal(IPAddress.Loopback, broker.Address);
        var counters = new DriverCounters();
        var options = new MqttConnectionOptions { Port = broker.Port }; // MQTT 5: the broker assigns and returns the id
        await using var a = new MqttConnection(options, _ => { }, null, counters, TimeProvider.System, new ListLogger());
        await using var b = new MqttConnection(options, _ => { }, null, counters, TimeProvider.System, new ListLogger());
        await a.ConnectAsync(cts.Token);
        await b.ConnectAsync(cts.Token);
        await Task.Delay(200, cts.Token);
        Assert.True(a.IsConnected && b.IsConnected, "two anonymous clients must not take over each other's session");
        Assert.StartsWith("anon-", a.AssignedClientId);
        Assert.StartsWith("anon-", b.AssignedClientId);
        Assert.NotEqual(a.AssignedClientId, b.AssignedClientId);
    }

    private static async Task<string> ReadRetainedAsync(int port, string topic, CancellationToken ct)
    {
        var got = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var c = new MqttConnection(new MqttConnectionOptions { Port = port },
            m => got.TrySetResult(System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(m.Payload))), null, new DriverCounters(), TimeProvider.System, new ListLogger());
        c.Subscribe(topic, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        await c.ConnectAsync(ct);
        return await got.Task.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    internal static async Task Eventually(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            ct.ThrowIfCancellationRequested();
            await Task.Delay(10, ct);
        }
    }
}
