using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Robots;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Sim.Tests;

public class SimDriverTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private async Task<SimDriver> Active(IEnvironment env, int firstSeed = 100)
    {
        var driver = new SimDriver(env, "r1", _time, SimDriver.SequentialSeeds(firstSeed));
        await driver.ConfigureAsync(CancellationToken.None);
        await driver.ActivateAsync(CancellationToken.None);
        return driver;
    }

    [Fact]
    public async Task Configure_ReturnsTheEnvironmentsSpec()
    {
        var env = new Reacher2D();
        await using var driver = new SimDriver(env, "arm-7", _time, SimDriver.SequentialSeeds(0));
        var spec = await driver.ConfigureAsync(CancellationToken.None);
        Assert.Equal("arm-7", spec.Id);
        Assert.Equal("reacher2d", spec.EnvId);
        Assert.Equal(env.ObservationSpace, spec.ObservationSpace);
        Assert.Equal(env.ActionSpace, spec.ActionSpace);
        Assert.Equal(env.ControlPeriod, spec.ControlPeriod);
        Assert.Equal(env.SafeAction, spec.SafeAction);
        Assert.Same(env, driver.Environment);
    }

    [Fact]
    public async Task ControlPeriodOverride_IsDeclaredInTheSpec_AndTimesTheStates()
    {
        await using var driver = new SimDriver(new Pendulum(), "fast", _time, SimDriver.SequentialSeeds(0), TimeSpan.FromMilliseconds(2));
        Assert.Equal(TimeSpan.FromMilliseconds(2), (await driver.ConfigureAsync(CancellationToken.None)).ControlPeriod);
        await driver.ActivateAsync(CancellationToken.None);
        var command = new CommandBuffer(1);
        driver.Write(command);
        driver.Write(command);
        var state = new StateBuffer(3);
        Assert.True(driver.TryRead(state, 0));
        Assert.Equal(0.004, state.Time, 12);
        Assert.Throws<ArgumentException>(() => new SimDriver(new Pendulum(), "bad", _time, SimDriver.SequentialSeeds(0), TimeSpan.Zero));
    }

    [Fact]
    public async Task Activate_PublishesTheFirstResetState_SeededFromTheSequence()
    {
        await using var driver = await Active(new Pendulum(), firstSeed: 100);
        var twin = new Pendulum();
        var expected = new float[3];
        twin.Reset(100, expected);

        var state = new StateBuffer(3);
        Assert.True(driver.TryRead(state, afterSeq: 0));
        Assert.Equal(1, state.Seq);
        Assert.Equal(expected, state.Obs);
        Assert.Equal(0.0, state.Time);
        Assert.False(state.Terminated || state.Truncated);
        Assert.Equal(_time.GetTimestamp(), state.ReceivedTimestamp);
        Assert.False(driver.TryRead(state, afterSeq: 1)); // nothing newer yet
        Assert.Equal(1, driver.Episode);
        Assert.Equal(100, driver.EpisodeSeed);
    }

    [Fact]
    public async Task Write_StepsInLockStep_AndDescribesThatTransition()
    {
        await using var driver = await Active(new Pendulum(), firstSeed: 5);
        var twin = new Pendulum();
        var twinObs = new float[3];
        twin.Reset(5, twinObs);
        var state = new StateBuffer(3);
        var cmd = new CommandBuffer(1);
        for (int k = 1; k <= 10; k++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(7));
            cmd.Action[0] = k * 0.3f - 1.5f;
            driver.Write(cmd);
            var r = twin.Step(cmd.Action, twinObs);
            Assert.True(driver.TryRead(state, afterSeq: k));
            Assert.Equal(k + 1, state.Seq);
            Assert.Equal(twinObs, state.Obs);
            Assert.Equal(r.Reward, state.Reward);
            Assert.Equal(k * 0.05, state.Time, 12);
            Assert.Equal(_time.GetTimestamp(), state.ReceivedTimestamp);
            Assert.Equal(cmd.Action[0], driver.LastAction[0]);
        }
    }

    [Fact]
    public async Task WriteAfterTruncation_ResetsWithTheNextSeed_AndDoesNotApplyTheAction()
    {
        await using var driver = await Active(new Pendulum(), firstSeed: 10);
        var state = new StateBuffer(3);
        var cmd = new CommandBuffer(1);
        cmd.Action[0] = 1f;
        for (int k = 0; k < 200; k++) driver.Write(cmd);
        driver.TryRead(state, 0);
        Assert.True(state.Truncated);
        Assert.False(state.Terminated);
        Assert.Equal(201, state.Seq);
        Assert.Equal(10.0, state.Time, 9);

        cmd.Action[0] = -2f;
        driver.Write(cmd); // resets; the -2 is not applied
        var twin = new Pendulum();
        var expected = new float[3];
        twin.Reset(11, expected);
        Assert.True(driver.TryRead(state, 201));
        Assert.Equal(202, state.Seq);
        Assert.Equal(expected, state.Obs);
        Assert.Equal(0f, state.Reward);
        Assert.False(state.Truncated || state.Terminated);
        Assert.Equal(0.0, state.Time);
        Assert.Equal(2, driver.Episode);
        Assert.Equal(0.0, driver.EpisodeReturn);

        driver.Write(cmd); // now applied
        twin.Step(cmd.Action, expected);
        driver.TryRead(state, 202);
        Assert.Equal(expected, state.Obs);
    }

    [Fact]
    public async Task TerminatedState_EndsTheEpisode_LikeTruncation()
    {
        var env = new CartpoleSwingup();
        await using var driver = await Active(env);
        var obs = new float[5];
        env.SetState(2.35, Math.PI, 3, 0, obs); // about to leave the track
        var cmd = new CommandBuffer(1);
        cmd.Action[0] = 10f;
        var state = new StateBuffer(5);
        driver.Write(cmd);
        driver.TryRead(state, 0);
        Assert.True(state.Terminated);
        driver.Write(cmd);
        driver.TryRead(state, 0);
        Assert.False(state.Terminated);
        Assert.InRange(state.Obs[0], -0.1f, 0.1f); // reset to the centre
        Assert.Equal(2, driver.Episode);
    }

    [Fact]
    public async Task WriteAndTryRead_AllocateNothing_Over1000StepsAfterWarmUp()
    {
        await using var driver = await Active(new Pendulum());
        var state = new StateBuffer(3);
        var cmd = new CommandBuffer(1);
        long seq = 0;
        void Run(int steps)
        {
            for (int k = 0; k < steps; k++)
            {
                cmd.Action[0] = (k % 5 - 2) * 0.7f;
                driver.Write(cmd); // includes 5 episode resets per 1000 steps
                if (driver.TryRead(state, seq)) seq = state.Seq;
                driver.TryRead(state, seq); // the "nothing new" path
            }
        }
        Run(450);
        Action window = () => Run(1000);
        long allocated = SteadyStateAllocation.Bytes(window);

        Assert.Equal(0, allocated);
        Assert.True(driver.Episode >= 7);
    }

    [Fact]
    public async Task Write_RejectsMisuse_WithClearErrors()
    {
        var driver = new SimDriver(new Pendulum(), "r1", _time, SimDriver.SequentialSeeds(0));
        var e = Assert.Throws<InvalidOperationException>(() => driver.Write(new CommandBuffer(1)));
        Assert.Contains("ActivateAsync", e.Message);
        await driver.ActivateAsync(CancellationToken.None);
        var w = Assert.Throws<ArgumentException>(() => driver.Write(new CommandBuffer(2)));
        Assert.Contains("2 action values", w.Message);
        await driver.DeactivateAsync(CancellationToken.None);
        Assert.Throws<InvalidOperationException>(() => driver.Write(new CommandBuffer(1)));
        Assert.Throws<ArgumentException>(() => new SimDriver(new Pendulum(), " ", _time, SimDriver.SequentialSeeds(0)));
    }

    [Fact]
    public async Task WaitForState_ReturnsAtOnceWhenNewer_WakesOnWrite_AndTimesOutOnTheInjectedClock()
    {
        await using var driver = await Active(new Pendulum());
        Assert.True(await driver.WaitForStateAsync(0, TimeSpan.FromSeconds(1), CancellationToken.None));

        var waiting = driver.WaitForStateAsync(1, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        driver.Write(new CommandBuffer(1));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));

        var timingOut = driver.WaitForStateAsync(2, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask();
        Assert.False(timingOut.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await timingOut.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void SequentialSeeds_CountUpFromTheFirst()
    {
        var seeds = SimDriver.SequentialSeeds(7);
        Assert.Equal([7, 8, 9], new[] { seeds(), seeds(), seeds() });
    }
}
