using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Drivers.Common;
using Robotics.Drivers.Serial;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Tests.Fixtures;

namespace Robotics.Drivers.Tests;

public class SerialDriverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static SerialRobotDriver Driver(string path, ListLogger log, SerialIo io = SerialIo.Auto, EStopLatch? estop = null)
    {
        var o = RobotUri.ParseSerial($"serial://{path}?baud=115200");
        o = o with { Link = o.Link with { Io = io, Reopen = RobotHost.QuickReconnect } };
        return new SerialRobotDriver(o, TimeProvider.System, log, estop);
    }

    [Theory]
    [InlineData(SerialIo.TtyFile)]
    [InlineData(SerialIo.SerialPort)]
    public async Task SocatPty_HardwareInTheLoop_SwingsThePendulumUp_InLockstep(SerialIo io)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var pty = new SocatPtyPair();
        await using var robot = RobotHost.Serial(pty.B, lockstep: true, io: io, seed: 11);
        var log = new ListLogger();
        await using var driver = Driver(pty.A, log, io);
        var spec = await driver.ConfigureAsync(cts.Token);
        Assert.Equal(("s1", "pendulum", 3), (spec.Id, spec.EnvId, spec.ObservationSpace.Dimension));
        await driver.ActivateAsync(cts.Token);

        var run = await TestLoop.RunEpisodeAsync(driver, spec, s => SwingUpController.Act(s.Obs), 300, cts.Token);

        Assert.True(run.Ended);
        Assert.Equal(201, run.States);
        Assert.Equal(50, run.UpInLast50);
        Assert.Equal(0, driver.Counters.StatesRejected);
        Assert.Equal(0, driver.Counters.BadCrc);
        Assert.Equal(LinkStatus.Online, driver.RobotStatus);
        await driver.ShutdownAsync(cts.Token);
    }

    [Fact]
    public async Task SocatPty_HardwareInTheLoop_SwingsThePendulumUp_InRealTime()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var pty = new SocatPtyPair();
        await using var robot = RobotHost.Serial(pty.B, lockstep: false, period: TimeSpan.FromMilliseconds(10), seed: 2);
        await using var driver = Driver(pty.A, new ListLogger());
        var spec = await driver.ConfigureAsync(cts.Token);
        await driver.ActivateAsync(cts.Token);
        var run = await TestLoop.RunEpisodeAsync(driver, spec, s => SwingUpController.Act(s.Obs), 400, cts.Token);
        Assert.True(run.Ended);
        Assert.Equal(50, run.UpInLast50);
    }

    [Fact]
    public async Task GarbageBytesBadCrcAndBadStates_AreDroppedAndCounted_AndTheStreamResynchronises()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var pty = new SocatPtyPair();
        var log = new ListLogger();
        await using var driver = Driver(pty.A, log);
        var spec = new RobotSpec("fw", "pendulum", new BoxSpace([-1, -1, -8], [1, 1, 8], ["c", "s", "w"]),
            new BoxSpace([-2], [2], ["u"]), TimeSpan.FromMilliseconds(50), [0f]);
        // The far end is a hand-made "firmware" writing raw bytes into the pty.
        var firmware = TtyFileTransport.Open(pty.B, 115200);
        uint frameSeq = 0;
        var wire = new byte[FrameCodec.MaxWireLength];
        void Send(FrameType t, ReadOnlySpan<byte> payload, Action<byte[], int>? corrupt = null)
        {
            int n = FrameCodec.Encode(t, frameSeq++, payload, wire);
            corrupt?.Invoke(wire, n);
            firmware.Write(wire.AsSpan(0, n));
        }
        byte[] State(long seq, float w, int obsCount = 3, float nan = 0)
        {
            var s = new StateBuffer(obsCount) { Seq = seq, Time = seq * 0.05 };
            s.Obs[0] = 1; if (obsCount > 2) s.Obs[2] = w;
            if (nan != 0) s.Obs[1] = float.NaN;
            var p = new byte[SerialPayloads.StateLength(obsCount)];
            SerialPayloads.WriteState(p, s);
            return p;
        }

        var configure = driver.ConfigureAsync(cts.Token).AsTask();
        firmware.Write([0x42, 0x00, 0x17, 0x99, 0x13]); // noise on the line before the firmware speaks
        Send(FrameType.Spec, SerialPayloads.WriteSpec(spec));
        await configure;

        Send(FrameType.State, State(1, 0.1f));
        Assert.True(await driver.WaitForStateAsync(long.MinValue, TimeSpan.FromSeconds(5), cts.Token));
        firmware.Write([0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03]);                        // garbage
        Send(FrameType.State, State(2, 0.2f), (b, n) => b[n - 3] ^= 0xFF);                   // CRC byte damaged
        Send(FrameType.State, State(3, 0.3f), (b, n) => b[6] ^= 0x01);                       // payload bit flip
        Send(FrameType.State, State(4, 0.4f, obsCount: 2));                                  // wrong length
        Send(FrameType.State, State(5, 0.5f, nan: 1));                                       // NaN observation
        Send(FrameType.State, State(6, 0.6f), (b, n) => firmware.Write(b.AsSpan(0, n / 2))); // a torn frame first...
        Send(FrameType.State, State(7, 0.7f));                                               // ...then a good one

        var state = new StateBuffer(3);
        Assert.True(await driver.WaitForStateAsync(1, TimeSpan.FromSeconds(5), cts.Token));
        await Task.Delay(100, cts.Token);
        Assert.True(driver.TryRead(state, 1));
        Assert.Equal(7, state.Seq);
        Assert.Equal(0.7f, state.Obs[2]);
        Assert.True(driver.Counters.BadCrc >= 2, driver.Counters.ToString());
        Assert.True(driver.Counters.FramesDropped >= 3, driver.Counters.ToString());
        Assert.Equal(2, driver.Counters.StatesRejected);     // wrong length, NaN
        Assert.Equal(3, driver.Counters.StatesAccepted);     // 1, 6 (its torn copy was dropped, the full frame followed), 7
        Assert.True(log.Contains(LogLevel.Warning, "rejected (WrongLength"));
        Assert.True(log.Contains(LogLevel.Warning, "rejected (NonFinite"));
        firmware.Close(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task EStopFrames_EngageTheRuntimeLatch_AndTheVirtualRobotObeysTheRuntimes()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var pty = new SocatPtyPair();
        await using var robot = RobotHost.Serial(pty.B, lockstep: false, period: TimeSpan.FromMilliseconds(10));
        var latch = new EStopLatch();
        await using var driver = Driver(pty.A, new ListLogger(), estop: latch);
        var spec = await driver.ConfigureAsync(cts.Token);
        await driver.ActivateAsync(cts.Token);

        driver.SendEStop(EStopAction.Engage, "operator");
        await MqttDriverTests.Eventually(() => robot.Robot.EStopEngaged && driver.RobotStatus == LinkStatus.EStopEngaged, cts.Token);
        // The robot is the safety authority: its heartbeat reporting the stop latches the runtime too.
        await MqttDriverTests.Eventually(() => latch.IsEngaged, cts.Token);
        long before = robot.Robot.EStopSteps;
        await TestLoop.RunEpisodeAsync(driver, spec, _ => 2f, 10, cts.Token, afterSeq: robot.Robot.StateSeq);
        Assert.True(robot.Robot.EStopSteps > before);
        driver.SendEStop(EStopAction.Release, "step 1");
        await Task.Delay(300, cts.Token);
        Assert.True(robot.Robot.EStopEngaged, "a release request alone never restarts motion");
        driver.SendEStop(EStopAction.ReArm, "step 2");
        await MqttDriverTests.Eventually(() => !robot.Robot.EStopEngaged && latch.Stage == EStopStage.ReArmed, cts.Token);
        Assert.True(latch.TryCompleteRelease(TimeProvider.System.GetTimestamp() + 1)); // what the gate does on the next state

        // Now the robot's own button: its e-stop frame engages the runtime's latch.
        await robot.Robot.PressEStopAsync("button", cts.Token);
        await MqttDriverTests.Eventually(() => latch.IsEngaged, cts.Token);
        Assert.Equal("button", latch.Reason);
    }
}
