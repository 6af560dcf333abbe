using Robotics.Core.Tasks;
using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Episodes;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Safety;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests;

public class ControlLoopTests
{
    private static async Task<(LockstepEnvDriver Driver, RobotSpec Spec)> Robot(bool endless = false, bool keep = false, int seed = 0)
    {
        var driver = new LockstepEnvDriver(new Pendulum(), seed) { Endless = endless, KeepCommands = keep };
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        return (driver, spec);
    }

    [Fact]
    public async Task Tick_AllocatesZeroBytes_InSteadyState()
    {
        var (driver, spec) = await Robot(endless: true);
        var loop = new ControlLoop(driver, spec, new PdPolicy(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 5_000 }, new FakeTimeProvider()); // room for every window
        await loop.StartEpisodeAsync(default);
        for (int i = 0; i < 20; i++) Assert.Equal(TickStatus.Commanded, loop.Tick());

        Action window = () => { for (int i = 0; i < 1_000; i++) loop.Tick(); };
        long allocated = SteadyStateAllocation.Bytes(window, out int ran);

        Assert.Equal(0, allocated);
        Assert.Equal(20 + 1_000 * ran, driver.Writes);
    }

    [Fact]
    public async Task Tick_WithCemPlannerAndGateCandidates_AllocatesZeroBytes()
    {
        var (driver, spec) = await Robot(endless: true);
        var budget = new PlannerBudget { Horizon = 10, Population = 64, Iterations = 2, Particles = ParticleMode.RandomMember };
        var model = new TruePendulumModel(64, members: 3, spread: 0.05);
        var planner = PlannerFactory.Create(budget.OptionsFor(PlannerKind.Cem), model, spec.ActionSpace,
            new CostSettings { UncertaintyLambda = 1f, ActionRateWeight = 0.01f }.Build(new PendulumCost(), 3, 1), new Random(0));
        var loop = new ControlLoop(driver, spec, planner, new ClampingVetoGate(1.5f, 7),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 5_000 }, new FakeTimeProvider()); // room for every window
        await loop.StartEpisodeAsync(default);
        for (int i = 0; i < 10; i++) loop.Tick();

        Action window = () => { for (int i = 0; i < 1_000; i++) loop.Tick(); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }

    [Fact]
    public async Task RunEpisode_RecordsEveryTransitionInOrder()
    {
        var (driver, spec) = await Robot();
        var sink = new ListSink();
        var loop = new ControlLoop(driver, spec, new PdPolicy(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 500, RobotId = "r7", Source = DataSource.Sim }, new FakeTimeProvider());
        var report = await loop.RunEpisodeAsync(42, sink, default);

        Episode e = Assert.Single(sink.Episodes);
        Assert.Equal(200, report.Steps);
        Assert.True(report.Truncated);
        Assert.Equal(200, e.Length);
        Assert.Equal(report.Return, e.Return, 0.05); // float sum of 200 rewards vs the loop's double sum
        for (int i = 0; i < e.Length; i++)
        {
            Transition t = e.Transitions[i];
            Assert.Equal(42, t.Episode);
            Assert.Equal(i, t.Step);
            Assert.Equal(i * 0.05, t.Time, 6);
            Assert.Equal("r7", t.RobotId);
            Assert.Equal(DataSource.Sim, t.Source);
            Assert.False(t.Vetoed);
            Assert.Equal(i == 199, t.Truncated);
            if (i > 0) Assert.Equal(e.Transitions[i - 1].NextObs, t.Obs);
        }
    }

    [Fact]
    public async Task RunEpisode_RecordsWhatTheGateSent_AndMarksVetoes()
    {
        var (driver, spec) = await Robot(keep: true);
        var sink = new ListSink();
        var loop = new ControlLoop(driver, spec, new PdPolicy(), new ClampingVetoGate(0.5f, 5),
            new ControlLoopOptions { Realtime = false }, new FakeTimeProvider());
        var report = await loop.RunEpisodeAsync(0, sink, default);

        var e = sink.Episodes[0];
        Assert.Equal(e.Transitions.Count(t => t.Safety != SafetyDecision.Ok), report.Interventions);
        Assert.True(e.Transitions.Count(t => t.Vetoed) < report.Interventions, "clamps are interventions, not vetoes");
        Assert.True(report.Interventions >= 40);
        Assert.Equal(200, driver.Commands.Count);
        for (int i = 0; i < e.Length; i++)
        {
            Assert.Equal(driver.Commands[i].Action, e.Transitions[i].Action);
            Assert.InRange(driver.Commands[i].Action[0], -0.5f, 0.5f);
            bool vetoed = (i + 1) % 5 == 0;
            // The safety column carries the gate's decision; vetoed only when the command was replaced, not clamped.
            Assert.Equal(driver.Commands[i].Safety, e.Transitions[i].Safety);
            Assert.Equal(vetoed, e.Transitions[i].Vetoed);
        }
    }

    [Fact]
    public async Task SecondEpisode_StartsWithTheSafeActionAsResetCommand()
    {
        var (driver, spec) = await Robot(keep: true);
        var policy = new PdPolicy();
        var loop = new ControlLoop(driver, spec, policy, new PassThroughGate(),
            new ControlLoopOptions { Realtime = false }, new FakeTimeProvider());
        var a = await loop.RunEpisodeAsync(0, null, default);
        var b = await loop.RunEpisodeAsync(1, null, default);
        Assert.Equal(200, a.Steps);
        Assert.Equal(200, b.Steps);
        Assert.Equal(401, driver.Writes);
        Assert.Equal(0f, driver.Commands[200].Action[0]);
        Assert.Equal(2, policy.Resets);
        Assert.NotEqual(a.Return, b.Return);
    }

    [Fact]
    public async Task RunEpisode_CutsAtMaxSteps_AndMarksTheLastTransitionTruncated()
    {
        var (driver, spec) = await Robot(endless: true);
        var sink = new ListSink();
        var loop = new ControlLoop(driver, spec, new PdPolicy(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 50 }, new FakeTimeProvider());
        var report = await loop.RunEpisodeAsync(0, sink, default);
        Assert.Equal(50, report.Steps);
        Assert.True(report.Truncated);
        Assert.True(sink.Episodes[0].Transitions[^1].Truncated);
        Assert.False(sink.Episodes[0].Transitions[^2].Truncated);
    }

    [Fact]
    public async Task TimerPacing_TicksOncePerControlPeriodOnTheInjectedClock()
    {
        var (driver, spec) = await Robot();
        var time = new FakeTimeProvider();
        var loop = new ControlLoop(driver, spec, new PdPolicy(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = true, Pacing = LoopPacing.Timer }, time);
        var run = loop.RunEpisodeAsync(0, null, default);
        // First tick runs at once; each further tick waits for one control period of fake time.
        for (int i = 0; i < 50 && driver.Writes < 1; i++) await Task.Delay(1);
        Assert.Equal(1, driver.Writes);
        for (int k = 2; k <= 5; k++)
        {
            time.Advance(spec.ControlPeriod);
            for (int i = 0; i < 200 && driver.Writes < k; i++) await Task.Delay(1);
            Assert.Equal(k, driver.Writes);
        }
        while (!run.IsCompleted) { time.Advance(spec.ControlPeriod); await Task.Yield(); await Task.Delay(0); }
        var report = await run;
        Assert.Equal(200, report.Steps);
        Assert.Equal(50.0, report.Timing.PeriodMsMedian, 6);
        Assert.Equal(0, report.Timing.Overruns);
    }

    [Fact]
    public async Task Realtime_ActsOnEachStatesArrival_NotOnTheNextTimerTick()
    {
        var time = new FakeTimeProvider();
        var robot = new ClockedRobot(new Pendulum(), time);
        var spec = await robot.ConfigureAsync(default);
        var loop = new ControlLoop(robot, spec, new PdPolicy(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = true, Pacing = LoopPacing.OnState, StateTimeout = TimeSpan.FromHours(1) }, time);
        robot.Start();
        var run = loop.RunEpisodeAsync(0, null, default);
        for (int step = 1; step <= 200; step++)
        {
            await WaitFor(() => robot.Writes >= step);
            Assert.Equal(step, robot.Writes);
            var c = robot.Commands[^1];
            // Answered the newest state at the very instant it arrived: the fake clock has not moved since.
            Assert.Equal(robot.Seq, c.StateSeq);
            Assert.Equal(time.GetTimestamp(), c.At);
            // The robot steps 13 ms into its 50 ms period (out of phase with any timer the loop might keep).
            time.Advance(TimeSpan.FromMilliseconds(step == 1 ? 13 : 50));
            robot.Step();
        }
        var report = await run;
        Assert.Equal(200, report.RobotSteps);
        Assert.Equal(200, report.Answered);
        Assert.Equal(0, report.StepsWithoutFreshCommand);
        Assert.Equal(0, report.Timing.DelayMsMedian, 9);
        Assert.Equal(0, report.Timing.DelayMsP99, 9);
        Assert.False(report.Partial);
        Assert.Equal(robot.EpisodeReturn, report.Return, 3);
    }

    [Fact]
    public async Task Report_CountsTheRobotsStepsAndReturn_WhenTheLoopMissesStates()
    {
        var time = new FakeTimeProvider();
        var robot = new ClockedRobot(new Pendulum(), time);
        var spec = await robot.ConfigureAsync(default);
        var loop = new ControlLoop(robot, spec, new PdPolicy(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = true, StateTimeout = TimeSpan.FromHours(1) }, time);
        robot.Start();
        var run = loop.RunEpisodeAsync(0, null, default);
        int writes = 0;
        while (!robot.Done)
        {
            await WaitFor(() => robot.Writes > writes);
            writes = robot.Writes;
            time.Advance(TimeSpan.FromMilliseconds(50));
            robot.Step(count: writes % 2 == 0 ? 3 : 1);  // bursts: the loop sees only the newest of three
        }
        var report = await run;
        Assert.Equal(200, report.RobotSteps);
        Assert.True(report.Answered < 200, $"answered {report.Answered}");
        Assert.Equal(200 - report.Answered, report.StepsWithoutFreshCommand);
        Assert.Equal(robot.EpisodeReturn, report.Return, 3);   // rewards of the states it never read included
        Assert.True(report.Steps < 200);                          // while it recorded only what it saw
    }

    [Fact]
    public async Task Report_IsPartial_WhenTheLoopJoinsAnEpisodeUnderWay()
    {
        var time = new FakeTimeProvider();
        var robot = new ClockedRobot(new Pendulum(), time);
        var spec = await robot.ConfigureAsync(default);
        var loop = new ControlLoop(robot, spec, new PdPolicy(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = true, StateTimeout = TimeSpan.FromHours(1) }, time);
        robot.Start();
        robot.Step(count: 20);   // the robot ran before the runtime connected
        var run = loop.RunEpisodeAsync(0, null, default);
        int writes = 0;
        while (!robot.Done) { await WaitFor(() => robot.Writes > writes); writes = robot.Writes; robot.Step(); }
        var first = await run;
        Assert.True(first.Partial);
        Assert.Equal(180, first.RobotSteps);
        var second = loop.RunEpisodeAsync(1, null, default);
        writes = robot.Writes;
        robot.Step();   // answers the reset
        while (!second.IsCompleted) { await WaitFor(() => robot.Writes > writes || second.IsCompleted); writes = robot.Writes; robot.Step(); }
        var report = await second;
        Assert.False(report.Partial);
        Assert.Equal(200, report.RobotSteps);
    }

    internal static async Task WaitFor(Func<bool> condition)
    {
        for (int i = 0; i < 5000 && !condition(); i++) await Task.Delay(1);
        Assert.True(condition(), "timed out waiting for the loop");
    }

    [Fact]
    public async Task Timings_CountOverruns_WhenPlanningTakesLongerThanThePeriod()
    {
        var (driver, spec) = await Robot();
        var time = new FakeTimeProvider();
        var slow = new SlowPolicy(time, TimeSpan.FromMilliseconds(80), everyNth: 4);
        var loop = new ControlLoop(driver, spec, slow, new PassThroughGate(), new ControlLoopOptions { Realtime = false }, time);
        var report = await loop.RunEpisodeAsync(0, null, default);
        Assert.Equal(50, report.Timing.Overruns);
        Assert.Equal(0, report.Timing.PlanMsMedian, 6);
        Assert.Equal(80, report.Timing.PlanMsP99, 6);
    }

    [Fact]
    public async Task RunEpisode_Throws_WhenTheRobotStopsSendingStates()
    {
        var (driver, spec) = await Robot();
        var loop = new ControlLoop(new SilentAfter(driver, 3), spec, new PdPolicy(), new PassThroughGate(),
            new ControlLoopOptions { Realtime = false }, new FakeTimeProvider());
        var e = await Assert.ThrowsAsync<TimeoutException>(() => loop.RunEpisodeAsync(0, null, default));
        Assert.Contains("no new state", e.Message);
    }

    /// <summary>Takes <paramref name="delay"/> of fake time on every n-th call.</summary>
    internal sealed class SlowPolicy(FakeTimeProvider time, TimeSpan delay, int everyNth) : IController
    {
        private int _n;
        public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }
        public void Dispose() { }
        public int ActDim => 1;
        public void Reset() { }
        public void Act(ReadOnlySpan<float> obs, Span<float> action) { if (++_n % everyNth == 0) time.Advance(delay); action[0] = 0; }
        public ReadOnlySpan<float> Candidates => ReadOnlySpan<float>.Empty;
    }

    /// <summary>Forwards to a driver but stops delivering states after n writes.</summary>
    private sealed class SilentAfter(IRobotDriver inner, int writes) : IRobotDriver
    {
        private int _writes;
        public ValueTask<RobotSpec> ConfigureAsync(CancellationToken ct) => inner.ConfigureAsync(ct);
        public ValueTask ActivateAsync(CancellationToken ct) => inner.ActivateAsync(ct);
        public ValueTask DeactivateAsync(CancellationToken ct) => inner.DeactivateAsync(ct);
        public ValueTask ShutdownAsync(CancellationToken ct) => inner.ShutdownAsync(ct);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
        public bool TryRead(StateBuffer state, long afterSeq) => _writes <= writes && inner.TryRead(state, afterSeq);
        public ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct) =>
            _writes <= writes ? inner.WaitForStateAsync(afterSeq, timeout, ct) : ValueTask.FromResult(false);
        public void Write(CommandBuffer command) { _writes++; if (_writes <= writes) inner.Write(command); }
    }
}

public class ControlLoopHandOverTests
{
    [Fact]
    public async Task SecondLoopOnTheSameRobot_ResetsAFinishedEpisodeBeforeItsFirstStep()
    {
        var driver = new LockstepEnvDriver(new Pendulum(), 0) { KeepCommands = true };
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var options = new ControlLoopOptions { Realtime = false };
        var random = new ControlLoop(driver, spec, new UniformRandomPolicy(spec.ActionSpace, new Random(0)), new PassThroughGate(), options, new FakeTimeProvider());
        var pd = new ControlLoop(driver, spec, new PdPolicy(), new PassThroughGate(), options, new FakeTimeProvider());
        var sink = new ListSink();
        await random.RunEpisodeAsync(0, sink, default);
        await pd.RunEpisodeAsync(1, sink, default);

        Assert.Equal(200, sink.Episodes[1].Length);
        Assert.All(sink.Episodes[1].Transitions, t => Assert.False(t.Step < 199 && t.Truncated));
        Assert.Equal(401, driver.Writes);                 // 200 + reset + 200
        Assert.Equal(0f, driver.Commands[200].Action[0]); // the reset command is the safe action
        Assert.All(sink.Episodes[0].Transitions, t => Assert.InRange(t.Action[0], -2f, 2f));
    }
}
