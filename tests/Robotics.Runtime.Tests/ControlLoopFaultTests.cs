using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Episodes;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Safety;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests;

/// <summary>
/// Issue 12, the loop's fault barrier: a controller or gate that throws, a plan past its deadline and a robot that
/// falls silent each get the safe action sent that tick, counted, and the run goes on (or ends with one line).
/// </summary>
public class ControlLoopFaultTests
{
    private static async Task<(LockstepEnvDriver Driver, RobotSpec Spec)> Robot(bool endless = false)
    {
        var driver = new LockstepEnvDriver(new Pendulum()) { Endless = endless, KeepCommands = !endless };
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        return (driver, spec);
    }

    /// <summary>The PD policy, except that Act throws on the ticks <paramref name="fails"/> says (0-based).</summary>
    private sealed class ThrowingController(Func<int, bool> fails) : IController
    {
        private readonly PdPolicy _inner = new();
        private int _tick;
        public int ActDim => 1;
        public SafetyDecision LastDecision => _inner.LastDecision;
        public void Reset() { _inner.Reset(); _tick = 0; }
        public void Act(ReadOnlySpan<float> obs, Span<float> action)
        {
            if (fails(_tick++)) throw new InvalidOperationException("injected planner fault\nsecond line");
            _inner.Act(obs, action);
        }
        public ReadOnlySpan<float> Candidates => [];
        public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) => _inner.Observe(sent, decision);
        public void Dispose() { }
    }

    /// <summary>Passes actions unchanged except on the calls <paramref name="fails"/> says, where it throws.</summary>
    private sealed class ThrowingGate(Func<int, bool> fails) : ICommandGate
    {
        private int _calls;
        public SafetyDecision Apply(StateBuffer state, ReadOnlySpan<float> proposed, ReadOnlySpan<float> candidates, CommandBuffer command)
        {
            if (fails(_calls++)) throw new IndexOutOfRangeException("injected gate fault");
            proposed.CopyTo(command.Action);
            return command.Safety = SafetyDecision.Ok;
        }
        public SafetyDecision SendSafeAction(StateBuffer state, ReadOnlySpan<float> safeAction, CommandBuffer command)
        {
            if (fails(_calls++)) throw new IndexOutOfRangeException("injected gate fault");
            safeAction.CopyTo(command.Action);
            return command.Safety = SafetyDecision.Fallback;
        }
        public void Reset(ReadOnlySpan<float> lastSent = default) { }
        public SafetyCounts Snapshot() => new PassThroughGate().Snapshot();
        public SafetyChecks ActiveChecks => SafetyChecks.None;
    }

    [Fact]
    public async Task ControllerThrowsMidEpisode_ThatTickSendsTheSafeAction_FaultCounted_EpisodeGoesOn()
    {
        var (driver, spec) = await Robot();
        var controller = new ThrowingController(t => t is 30 or 31);
        var sink = new ListSink();
        var loop = new ControlLoop(driver, spec, controller, new PassThroughGate(), new ControlLoopOptions { Realtime = false }, new FakeTimeProvider());
        var report = await loop.RunEpisodeAsync(0, sink, default);

        Assert.Equal(200, report.Steps);
        Assert.Equal(new LoopCounters(2, 0, 0, 2), report.Loop);
        Assert.Equal(report.Loop, loop.Counters);
        for (int i = 0; i < 200; i++)
        {
            bool faulted = i is 30 or 31;
            Assert.Equal(faulted ? SafetyDecision.Fallback : SafetyDecision.Ok, driver.Commands[i].Safety);
            if (faulted) Assert.Equal(spec.SafeAction, driver.Commands[i].Action);
            else Assert.NotEqual(0f, driver.Commands[i].Action[0]);
            Assert.Equal(faulted ? SafetyDecision.Fallback : SafetyDecision.Ok, sink.Episodes[0].Transitions[i].Safety);   // recorded as what it was: not the plan
            Assert.Equal(faulted, sink.Episodes[0].Transitions[i].Vetoed);
        }
        Assert.Equal(2, report.Interventions);
    }

    [Fact]
    public async Task ControllerKeepsThrowing_RunEndsWithOneLine_AfterMaxConsecutiveFaults_EachAnsweredSafe()
    {
        var (driver, spec) = await Robot();
        var sink = new ListSink();
        var loop = new ControlLoop(driver, spec, new ThrowingController(t => t >= 20), new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxConsecutiveFaults = 3 }, new FakeTimeProvider());
        var e = await Assert.ThrowsAsync<ControlFaultException>(() => loop.RunEpisodeAsync(0, sink, default));

        Assert.Equal("controller 'ThrowingController' on robot 'fake' failed 3 ticks in a row (each answered with the safe action); " +
                     "last error: InvalidOperationException: injected planner fault second line", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Equal(23, driver.Writes);
        Assert.All(driver.Commands.Skip(20), c => Assert.Equal((SafetyDecision.Fallback, 0f), (c.Safety, c.Action[0])));
        Assert.Equal(new LoopCounters(3, 0, 0, 3), loop.Counters);
        // The interrupted episode is still handed over, every transition up to the stop.
        Episode recorded = Assert.Single(sink.Episodes);
        Assert.Equal(23, recorded.Length);
        Assert.True(recorded.Transitions[^1].Truncated);
    }

    [Fact]
    public async Task FaultStreak_IsResetByATickThatWorks()
    {
        var (driver, spec) = await Robot();
        // Two faults in every three ticks never make three in a row.
        var loop = new ControlLoop(driver, spec, new ThrowingController(t => t % 3 != 0), new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxConsecutiveFaults = 3 }, new FakeTimeProvider());
        var report = await loop.RunEpisodeAsync(0, null, default);
        Assert.Equal(200, report.Steps);
        Assert.Equal(133, report.Loop.Faults);
    }

    [Fact]
    public async Task GateThrows_TheRobotsSafeActionGoesOutUnchecked_MarkedFallback_AndCounted()
    {
        var (driver, spec) = await Robot();
        var controller = new ThrowingController(_ => false);
        // Call 10 is tick 10's proposal; call 11 is the safe action for it, which fails too.
        var loop = new ControlLoop(driver, spec, controller, new ThrowingGate(c => c is 10 or 11), new ControlLoopOptions { Realtime = false }, new FakeTimeProvider());
        var report = await loop.RunEpisodeAsync(0, null, default);
        Assert.Equal(200, report.Steps);
        Assert.Equal((SafetyDecision.Fallback, 0f), (driver.Commands[10].Safety, driver.Commands[10].Action[0]));
        Assert.Equal(SafetyDecision.Ok, driver.Commands[11].Safety);
        Assert.Equal(2, report.Loop.Faults);
        Assert.Equal(1, report.Loop.SafeActions);
    }

    [Fact]
    public async Task RealTime_PlanPastTheDeadline_SendsTheSafeActionInstead_AndCountsTheMiss()
    {
        var time = new FakeTimeProvider();
        var robot = new ClockedRobot(new Pendulum(), time);
        var spec = await robot.ConfigureAsync(default);
        // Every 4th plan takes 120 ms; the default deadline is two 50 ms periods.
        var slow = new ControlLoopTests.SlowPolicy(time, TimeSpan.FromMilliseconds(120), everyNth: 4);
        var loop = new ControlLoop(robot, spec, slow, new PassThroughGate(),
            new ControlLoopOptions { Realtime = true, StateTimeout = TimeSpan.FromHours(1), StaleAfter = TimeSpan.FromHours(1) }, time);
        robot.Start();
        var run = loop.RunEpisodeAsync(0, null, default);
        for (int step = 1; !robot.Done; step++)
        {
            await ControlLoopTests.WaitFor(() => robot.Writes >= step);
            time.Advance(TimeSpan.FromMilliseconds(50));
            robot.Step();
        }
        var report = await run;
        Assert.Equal(50, report.Loop.DeadlineMisses);
        Assert.Equal(50, report.Loop.SafeActions);
        Assert.Equal(0, report.Loop.Faults);
        Assert.Equal(200, report.Answered);   // a late plan's state is still answered, safely
    }

    [Fact]
    public async Task RealTime_RobotFallsSilent_LoopSendsTheSafeActionEachStaleInterval_AndResumesWhenStatesReturn()
    {
        var time = new FakeTimeProvider();
        var robot = new ClockedRobot(new Pendulum(), time);
        var spec = await robot.ConfigureAsync(default);
        var policy = new PdPolicy();
        var loop = new ControlLoop(robot, spec, policy, new PassThroughGate(),
            new ControlLoopOptions { Realtime = true, StateTimeout = TimeSpan.FromMilliseconds(100) }, time);   // no abort mid-episode in real time
        robot.Start(seed: 3);
        var run = loop.RunEpisodeAsync(0, null, default);
        for (int step = 1; step <= 10; step++)
        {
            await ControlLoopTests.WaitFor(() => robot.Writes >= step);
            time.Advance(TimeSpan.FromMilliseconds(50));
            robot.Step();
        }
        await ControlLoopTests.WaitFor(() => robot.Writes >= 11);
        long lastSeq = robot.Seq;

        // Silence: nothing for 149 ms, then the safe action at 150 ms (3 periods), and again every 150 ms.
        time.Advance(TimeSpan.FromMilliseconds(149));
        await Task.Delay(20);
        Assert.Equal(11, robot.Writes);
        for (int k = 1; k <= 3; k++)
        {
            time.Advance(TimeSpan.FromMilliseconds(k == 1 ? 1 : 150));
            await ControlLoopTests.WaitFor(() => robot.Writes >= 11 + k);
            var c = robot.Commands[^1];
            Assert.Equal((lastSeq, 0f), (c.StateSeq, c.Action[0]));
            Assert.Equal(SafetyDecision.Fallback, policy.LastDecision);
            Assert.True(loop.WaitingSafe);
        }
        Assert.Equal(3, loop.Counters.StaleTicks);

        // States return: the next one is answered by the controller at once.
        time.Advance(TimeSpan.FromMilliseconds(20));
        robot.Step();
        await ControlLoopTests.WaitFor(() => robot.Writes >= 15);
        Assert.Equal(robot.Seq, robot.Commands[^1].StateSeq);
        Assert.NotEqual(0f, robot.Commands[^1].Action[0]);
        Assert.False(loop.WaitingSafe);
        Assert.Equal(SafetyDecision.Ok, policy.LastDecision);

        for (int writes = robot.Writes; !robot.Done; writes++)
        {
            await ControlLoopTests.WaitFor(() => robot.Writes >= writes);
            time.Advance(TimeSpan.FromMilliseconds(50));
            robot.Step();
        }
        var report = await run;
        Assert.Equal(new LoopCounters(0, 0, 3, 3), report.Loop);
        Assert.Equal(200, report.RobotSteps);
    }

    /// <summary>Records each transition the loop closes: the first action value sent and the delay it reports.</summary>
    private sealed class RecordingObserver : ITransitionObserver
    {
        public List<(float Sent, TimeSpan Delay)> Seen { get; } = [];
        public void Reset() { }
        public void Observe(ReadOnlySpan<float> obs, ReadOnlySpan<float> sent, ReadOnlySpan<float> nextObs, long robotSteps, TimeSpan commandDelay, bool? commandOnTime)
        {
            lock (Seen) Seen.Add((sent[0], commandDelay));
        }
    }

    [Fact]
    public async Task RealTime_AStaleSafeActionClosesTheTransition_WithItsOwnDelay_NotTheControllersCommands()
    {
        // The robot's next state arrives after the loop re-answered the last one with the safe action: the observer is
        // told the safe action was sent, and 150 ms after its state (a fault monitor skips it: the robot may have
        // stepped with either command). Found by the real-time MQTT fault check: a 150 ms broker stall put the controller's
        // delay beside the safe action and fed the monitor a residual of 1.
        var time = new FakeTimeProvider();
        var robot = new ClockedRobot(new Pendulum(), time);
        var spec = await robot.ConfigureAsync(default);
        var observer = new RecordingObserver();
        var loop = new ControlLoop(robot, spec, new PdPolicy(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = true, StateTimeout = TimeSpan.FromMilliseconds(100) }, time) { TransitionObserver = observer };
        robot.Start(seed: 3);
        var run = loop.RunEpisodeAsync(0, null, default);
        for (int step = 1; step <= 3; step++)
        {
            await ControlLoopTests.WaitFor(() => robot.Writes >= step);
            time.Advance(TimeSpan.FromMilliseconds(50));
            robot.Step();
        }
        await ControlLoopTests.WaitFor(() => robot.Writes >= 4);
        time.Advance(TimeSpan.FromMilliseconds(150));                  // silence: the safe action answers the last state again
        await ControlLoopTests.WaitFor(() => robot.Writes >= 5);
        time.Advance(TimeSpan.FromMilliseconds(10));
        robot.Step();
        await ControlLoopTests.WaitFor(() => robot.Writes >= 6);
        for (int writes = robot.Writes; !robot.Done; writes++)
        {
            await ControlLoopTests.WaitFor(() => robot.Writes >= writes);
            time.Advance(TimeSpan.FromMilliseconds(50));
            robot.Step();
        }
        await run;

        List<(float Sent, TimeSpan Delay)> seen;
        lock (observer.Seen) seen = [.. observer.Seen];
        Assert.All(seen[..3], t => Assert.Equal(TimeSpan.Zero, t.Delay));  // answered at once (the fake clock stood still)
        Assert.Equal(0f, seen[3].Sent);                                     // the safe action closed the fourth transition
        Assert.True(seen[3].Delay >= TimeSpan.FromMilliseconds(150), $"delay {seen[3].Delay.TotalMilliseconds} ms");
        Assert.All(seen[4..], t => Assert.Equal(TimeSpan.Zero, t.Delay));
    }

    [Fact]
    public async Task RealTimeTick_WithTheDeadlineArmed_AllocatesZeroBytes_AlsoAfterAFaultStreak()
    {
        var (driver, spec) = await Robot(endless: true);
        var loop = new ControlLoop(driver, spec, new ThrowingController(t => t is >= 5 and < 8), new PassThroughGate(),
            new ControlLoopOptions { Realtime = true, MaxEpisodeSteps = 5_000 }, new FakeTimeProvider()); // room for every window
        await loop.StartEpisodeAsync(default);
        for (int i = 0; i < 20; i++) Assert.Equal(TickStatus.Commanded, loop.Tick());
        Assert.Equal(3, loop.Counters.Faults);

        Action window = () => { for (int i = 0; i < 1_000; i++) loop.Tick(); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window, out int ran));
        Assert.Equal(20 + 1_000 * ran, driver.Writes);

    }
}
