using Robotics.Core.Robots;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Serial;
using Robotics.Drivers.Tests.Fixtures;

namespace Robotics.Drivers.Tests;

public class SerialFaultTests
{
    [Theory]
    [InlineData(SerialIo.TtyFile)]
    [InlineData(SerialIo.SerialPort)]
    public async Task CableVanishesMidEpisode_LinkReopens_LoopResumes_NoExceptionEscapes(SerialIo io)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var pty = new SocatPtyPair();
        await using var robot = RobotHost.Serial(pty.B, lockstep: false, period: TimeSpan.FromMilliseconds(10));
        var log = new ListLogger();
        var o = RobotUri.ParseSerial($"serial://{pty.A}");
        await using var driver = new SerialRobotDriver(o with { Link = o.Link with { Io = io, Reopen = RobotHost.QuickReconnect } }, TimeProvider.System, log);
        var spec = await driver.ConfigureAsync(cts.Token);
        await driver.ActivateAsync(cts.Token);

        var first = await TestLoop.RunEpisodeAsync(driver, spec, s => SwingUpController.Act(s.Obs), 20, cts.Token, ttlMs: 100);
        pty.Kill();
        await Task.Delay(500, cts.Token);
        long safeSteps = robot.Robot.SafeActionSteps;
        pty.Start();
        await MqttDriverTests.Eventually(() => driver.Counters.Reconnects >= 1 && driver.IsOpen, cts.Token);
        var after = await TestLoop.RunEpisodeAsync(driver, spec, s => SwingUpController.Act(s.Obs), 20, cts.Token, afterSeq: first.LastSeq,
            stateTimeout: TimeSpan.FromSeconds(10), ttlMs: 100);

        Assert.True(after.LastSeq > first.LastSeq);
        Assert.True(driver.Counters.Disconnects >= 1, driver.Counters.ToString());
        Assert.True(safeSteps > 0, "with the cable gone the robot's commands expired and it applied its safe action");
        Assert.True(log.Contains(Microsoft.Extensions.Logging.LogLevel.Information, "reopened"));
    }

    [Fact]
    public async Task DriverWriteAndTryRead_AllocateNothing_OverSerial()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var pty = new SocatPtyPair();
        await using var robot = RobotHost.Serial(pty.B, lockstep: false, period: TimeSpan.FromMilliseconds(10));
        await using var driver = new SerialRobotDriver(RobotUri.ParseSerial($"serial://{pty.A}"), TimeProvider.System, new ListLogger());
        var spec = await driver.ConfigureAsync(cts.Token);
        await driver.ActivateAsync(cts.Token);
        Assert.True(await driver.WaitForStateAsync(long.MinValue, TimeSpan.FromSeconds(5), cts.Token));
        AllocationAssert.HotPathAllocatesNothing(driver, spec);
    }
}

internal static class AllocationAssert
{
    /// <summary>Write and TryRead on the calling thread, measured after a warm-up.</summary>
    public static void HotPathAllocatesNothing(IRobotDriver driver, RobotSpec spec)
    {
        var state = new StateBuffer(spec.ObservationSpace.Dimension);
        var command = new CommandBuffer(spec.ActionSpace.Dimension) { TtlMs = 100 };
        for (int i = 0; i < 100; i++) { driver.TryRead(state, long.MinValue); command.Seq++; driver.Write(command); }
        Action window = () =>
        {
            for (int i = 0; i < 2000; i++)
            {
                driver.TryRead(state, long.MinValue);
                command.Seq++;
                command.StateSeq = state.Seq;
                command.Action[0] = 0.001f * i;
                driver.Write(command);
            }
        };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }
}
