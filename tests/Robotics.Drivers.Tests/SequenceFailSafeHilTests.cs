using Robotics.Runtime.Controllers;
using System.Diagnostics;
using Robotics.Core.Episodes;
using Robotics.Core.Robots;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Runtime.Loop;
using Robotics.Safety;

namespace Robotics.Drivers.Tests;

/// <summary>
/// Issue 12: forged and restarted sequence numbers against Mosquitto, the virtual robot (real time) and the
/// runtime's loop behind the safety gate. "Control" = the robot receives a command answering a state it
/// published after the event.
/// </summary>
public class SequenceFailSafeHilTests
{
    private sealed class HoldPolicy : IController
    {
        public int ActDim => 1;
        public void Reset() { }
        public void Act(ReadOnlySpan<float> obs, Span<float> action) => action[0] = SwingUpController.Act(obs);
        public ReadOnlySpan<float> Candidates => [];
        public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }
        public void Dispose() { }
    }

    /// <summary>Runs episodes back to back until cancelled (a robot restart ends one).</summary>
    private static async Task<(Task Run, MqttRobotDriver Driver)> StartRuntimeAsync(int port, string id, CancellationToken ct, string query = "")
    {
        var o = RobotUri.ParseMqtt($"mqtt://127.0.0.1:{port}/{id}{query}");
        var driver = new MqttRobotDriver(o with { Connection = o.Connection with { Reconnect = RobotHost.QuickReconnect } });
        var spec = await driver.ConfigureAsync(ct);
        await driver.ActivateAsync(ct);
        var gate = SafetyGate.Create(spec, null, null, new EStopLatch(), TimeProvider.System, new ListLogger());
        var loop = new ControlLoop(driver, spec, new HoldPolicy(), gate, new ControlLoopOptions
        {
            Realtime = true, MaxEpisodeSteps = 100_000, StateTimeout = TimeSpan.FromSeconds(30), RobotId = id, Source = DataSource.Real, Record = false,
        }, TimeProvider.System, new ListLogger());
        var run = Task.Run(async () =>
        {
            for (long ep = 0; ; ep++)
                try { await loop.RunEpisodeAsync(ep, null, ct); }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
        }, CancellationToken.None);
        return (run, driver);
    }

    /// <summary>Seconds until the robot gets a command answering a state newer than <paramref name="seq"/>.</summary>
    private static async Task<double> TimeToControlAsync(RobotHost robot, long seq, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        await MqttDriverTests.Eventually(() => robot.Robot.LastCommand.StateSeq > seq, ct);
        return sw.Elapsed.TotalSeconds;
    }

    [Fact]
    public async Task ForgedFarFutureSeq_DoesNotStopControl_RejectedAndCounted()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var mosquitto = new MosquittoProcess();
        await using var robot = RobotHost.Mqtt(mosquitto.Port, "forge", lockstep: false, seed: 31);
        var (run, driver) = await StartRuntimeAsync(mosquitto.Port, "forge", cts.Token);
        await using (driver)
        {
            await MqttDriverTests.Eventually(() => robot.Robot.LastCommand.StateSeq > 20, cts.Token);

            MqttCli.Pub(mosquitto.Port, "robots/forge/state", "{\"seq\":9000000000000000000,\"t\":0,\"obs\":[1,0,0]}");
            await MqttDriverTests.Eventually(() => driver.Counters.SeqTooFarAhead == 1, cts.Token);
            long seqAtForge = robot.Robot.StateSeq;
            double seconds = await TimeToControlAsync(robot, seqAtForge, cts.Token);

            Assert.True(seconds < 1.0, $"control came back after {seconds:F2} s");
            await Task.Delay(500, cts.Token);
            Assert.True(robot.Robot.LastCommand.StateSeq > seqAtForge + 5, "control goes on");
            Assert.Equal(1, driver.Counters.StatesRejected);
            cts.Cancel();
            await run;
        }
    }

    [Fact]
    public async Task TtlInTheRobotAddress_IsTheTtlTheRobotReceives_WhenTheLoopSetsNone()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var mosquitto = new MosquittoProcess();
        await using var robot = RobotHost.Mqtt(mosquitto.Port, "ttl", lockstep: false, seed: 34);
        var (run, driver) = await StartRuntimeAsync(mosquitto.Port, "ttl", cts.Token, "?ttl_ms=321");
        await using (driver)
        {
            await MqttDriverTests.Eventually(() => robot.Robot.LastCommand.StateSeq > 5, cts.Token);
            Assert.Equal(321, robot.Robot.LastCommand.TtlMs);
            cts.Cancel();
            await run;
        }
    }

    [Theory]
    [InlineData(true)]   // robots that send a session: recognised on the first state
    [InlineData(false)]  // old robots without one: recognised after a short run of consistent states
    public async Task RobotRestart_SeqFromOne_RuntimeControlsTheNewRobotWithinOneSecond(bool sendSession)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var mosquitto = new MosquittoProcess();
        var first = RobotHost.Mqtt(mosquitto.Port, "reboot", lockstep: false, seed: 32, sendSession: sendSession);
        var (run, driver) = await StartRuntimeAsync(mosquitto.Port, "reboot", cts.Token);
        await using (driver)
        {
            // Long enough that the reboot's seq 1 is far behind the newest the runtime holds.
            await MqttDriverTests.Eventually(() => first.Robot.LastCommand.StateSeq > 60, cts.Token);
            await first.DisposeAsync();

            await using var second = RobotHost.Mqtt(mosquitto.Port, "reboot", lockstep: false, seed: 33, sendSession: sendSession);
            await MqttDriverTests.Eventually(() => second.Robot.StateSeq >= 1, cts.Token);
            double seconds = await TimeToControlAsync(second, 0, cts.Token);

            Assert.True(seconds < 1.0, $"the restarted robot was controlled after {seconds:F2} s");
            Assert.Equal(1, driver.Counters.RobotRestarts);
            await MqttDriverTests.Eventually(() => second.Robot.LastCommand.StateSeq > 20, cts.Token);
            cts.Cancel();
            await run;
        }
    }
}
