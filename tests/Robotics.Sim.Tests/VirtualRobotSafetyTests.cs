using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Sim.Environments;
using Robotics.Sim.Serve;

namespace Robotics.Sim.Tests;

/// <summary>The virtual robot's own safety (the robot as the safety authority), on a fake clock with an in-memory transport.</summary>
public class VirtualRobotSafetyTests
{
    /// <summary>A transport that counts what the robot publishes and keeps the newest state's on_time.</summary>
    private sealed class CountingTransport : IRobotServerTransport
    {
        private int _states;
        private volatile string _lastOnTime = "none";
        public int States => Volatile.Read(ref _states);
        /// <summary>The newest state's <see cref="StateBuffer.CommandOnTime"/>: "True", "False" or "" (null).</summary>
        public string LastOnTime => _lastOnTime;
        public string Description => "in memory";
        public Task StartAsync(RobotSpec spec, IRobotServerHandler handler, CancellationToken ct) => Task.CompletedTask;
        public ValueTask PublishStateAsync(StateBuffer state, CancellationToken ct)
        {
            _lastOnTime = state.CommandOnTime?.ToString() ?? "";
            Interlocked.Increment(ref _states);
            return ValueTask.CompletedTask;
        }
        public ValueTask PublishStatusAsync(bool estopEngaged, CancellationToken ct) => ValueTask.CompletedTask;
        public ValueTask PublishEStopAsync(string reason, CancellationToken ct) => ValueTask.CompletedTask;
        public ValueTask ClearEStopAsync(CancellationToken ct) => ValueTask.CompletedTask;
        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);

    private static (VirtualRobot Robot, CountingTransport Transport, FakeTimeProvider Time) Robot(VirtualRobotOptions? options = null)
    {
        var time = new FakeTimeProvider();
        var transport = new CountingTransport();
        var o = options ?? new VirtualRobotOptions { EnvId = "pendulum", Period = Period };
        return (new VirtualRobot(EnvironmentRegistry.Create("pendulum", 0), o, transport, time, NullLogger.Instance), transport, time);
    }

    private static async Task TickAsync(CountingTransport t, FakeTimeProvider time, int ticks)
    {
        for (int i = 0; i < ticks; i++)
        {
            int before = t.States;
            time.Advance(Period);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (t.States == before) { Assert.True(DateTime.UtcNow < deadline, "the robot did not step"); await Task.Delay(1); }
        }
    }

    private static CommandBuffer Command(long seq, long stateSeq, int ttlMs, float action) =>
        new(1) { Seq = seq, StateSeq = stateSeq, TtlMs = ttlMs, Action = { [0] = action } };

    [Fact]
    public async Task Ttl_RunsFromWhenTheAnsweredStateWasPublished_NotFromTheCommandsArrival()
    {
        var (robot, t, time) = Robot();
        using var cts = new CancellationTokenSource();
        var run = robot.RunAsync(cts.Token);
        while (t.States == 0) await Task.Delay(1);
        await Task.Delay(100);                   // the robot's timer is armed right after its first state
        await TickAsync(t, time, 4);            // states 1..5; state 1 went out 200 ms ago
        Assert.Equal(5, robot.StateSeq);

        // A command answering state 1 with ttl 250 ms has 50 ms left: one step, then the safe action.
        robot.OnCommand(Command(1, 1, 250, 2f), session: 7);
        await TickAsync(t, time, 4);
        Assert.Equal(1, robot.CommandSteps);

        // The same ttl answering the newest state: five steps of 50 ms.
        robot.OnCommand(Command(2, robot.StateSeq, 250, 2f), session: 7);
        await TickAsync(t, time, 8);
        Assert.Equal(1 + 5, robot.CommandSteps);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task RealTime_EachStateSaysWhetherItsStepAppliedTheCommandAnsweringThePreviousState()
    {
        var (robot, t, time) = Robot();
        using var cts = new CancellationTokenSource();
        var run = robot.RunAsync(cts.Token);
        while (t.States == 0) await Task.Delay(1);
        Assert.Equal("False", t.LastOnTime);     // a reset state follows no command
        await Task.Delay(100);                   // the robot's timer is armed right after its first state
        await TickAsync(t, time, 1);             // no command yet: the safe action
        Assert.Equal("False", t.LastOnTime);

        robot.OnCommand(Command(1, robot.StateSeq, 500, 1f), session: 7);       // answers the newest state in time
        await TickAsync(t, time, 1);
        Assert.Equal("True", t.LastOnTime);
        await TickAsync(t, time, 1);             // no new command: the robot holds the one answering the state before
        Assert.Equal("False", t.LastOnTime);

        robot.OnCommand(Command(2, robot.StateSeq - 1, 500, 1f), session: 7);   // answers a state whose next step has passed: late
        await TickAsync(t, time, 1);
        Assert.Equal("False", t.LastOnTime);
        Assert.Equal(3, robot.CommandSteps);     // applied all the same (within its ttl), only reported as late
        cts.Cancel();
        await run;
    }

    [Fact]
    public void Lease_OneSessionAtATime_SeqIncreasesWithinIt_FreedByOfflineOrSilence()
    {
        var (robot, _, time) = Robot(new VirtualRobotOptions { EnvId = "pendulum", Period = Period, LeaseTimeout = TimeSpan.FromSeconds(1) });
        robot.OnCommand(Command(5, 0, 100, 0.1f), session: 0xA);
        robot.OnCommand(Command(6, 0, 100, 0.2f), session: 0xB);     // another session: dropped
        robot.OnCommand(Command(5, 0, 100, 0.3f), session: 0xA);     // seq did not increase: dropped
        Assert.Equal((1L, 1L, 1L), (robot.CommandsReceived, robot.CommandsOtherSession, robot.CommandsOutOfOrder));
        Assert.Equal([0.1f], robot.LastCommand.Action);

        robot.OnControllerOffline();                                   // the holder's clean shutdown
        robot.OnCommand(Command(1, 0, 100, 0.4f), session: 0xB);
        Assert.Equal(0xBUL, robot.LeaseHolder);
        time.Advance(TimeSpan.FromMilliseconds(900));
        robot.OnCommand(Command(9, 0, 100, 0.5f), session: 0xA);     // B still holds it
        Assert.Equal(0xBUL, robot.LeaseHolder);
        time.Advance(TimeSpan.FromMilliseconds(1100));                 // B silent for 2 s: A may take it
        robot.OnCommand(Command(10, 0, 100, 0.6f), session: 0xA);
        Assert.Equal(0xAUL, robot.LeaseHolder);
        Assert.Equal([0.6f], robot.LastCommand.Action);
    }

    [Fact]
    public void EStop_ReArmNeedsALiveReleaseRequest_AndNothingButTheOperatorsStepsReleases()
    {
        var (robot, _, time) = Robot(new VirtualRobotOptions { EnvId = "pendulum", Period = Period, ReleaseWindow = TimeSpan.FromSeconds(30) });
        robot.OnEStop(EStopAction.Engage, "button");
        robot.OnEStop(EStopAction.ReArm, "no request");
        Assert.True(robot.EStopEngaged);
        robot.OnEStop(EStopAction.Release, "step 1");
        time.Advance(TimeSpan.FromSeconds(31));
        robot.OnEStop(EStopAction.ReArm, "too late");
        Assert.True(robot.EStopEngaged);
        Assert.Equal(2, robot.EStopRefused);
        robot.OnEStop(EStopAction.Release, "step 1");
        robot.OnEStop(EStopAction.Engage, "pressed again");             // an engage during a reset cancels it
        robot.OnEStop(EStopAction.ReArm, "step 2");
        Assert.True(robot.EStopEngaged);
        robot.OnEStop(EStopAction.Release, "step 1");
        time.Advance(TimeSpan.FromSeconds(5));
        robot.OnEStop(EStopAction.ReArm, "step 2");
        Assert.False(robot.EStopEngaged);
    }
}
