using Robotics.Core.Tasks;
using Robotics.Runtime.Benchmarks;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Safety;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Perf;

/// <summary>Steady-state allocation counts of the hot path (bytes, not time).</summary>
public sealed class AllocationTests
{
    /// <summary>Runs <paramref name="ticks"/> commanded ticks (a window, up to 3 of them, see <see cref="SteadyStateAllocation"/>); returns the bytes allocated inside Tick (episode starts excluded).</summary>
    private static async Task<long> TickBytes(IController policy, int ticks)
    {
        var driver = new SimDriver(new Pendulum(1), "in-process", TimeProvider.System, SimDriver.SequentialSeeds(1), TimeSpan.FromMilliseconds(50));
        await driver.ActivateAsync(CancellationToken.None);
        var loop = new ControlLoop(driver, driver.Spec, policy, SafetyGate.Create(driver.Spec),
                                   new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 1000 }, TimeProvider.System);
        await loop.StartEpisodeAsync(CancellationToken.None);
        for (int i = 0; i < 50; i++) // warm-up: first calls bind buffers and JIT
            if (loop.Tick() == TickStatus.EpisodeEnded) await loop.StartEpisodeAsync(CancellationToken.None);
        return (await Robotics.Runtime.Tests.Fakes.LoopAllocation.TicksAsync(loop, ticks)).Bytes;
    }

    [Fact]
    public async Task ControlTick_AllocatesNothing_Over1000Ticks_WithACheapPolicy()
    {
        Assert.Equal(0, await TickBytes(new PdPolicy(), 1000));
    }

    [Fact]
    public async Task ControlTick_AllocatesNothing_Over1000Ticks_WithAFusedMppiPlanner()
    {
        var o = new MppiOptions { Samples = 32, Iterations = 1, Horizon = 8 };
        using var models = new SmallEnsembleModels(false, o.MaxBatch, hidden: 8);
        var settings = new CostSettings { UncertaintyLambda = 0.5f };
        using var rollout = models.Rollout(o.Horizon, settings);
        var planner = (MpcPlanner)PlannerFactory.Create(o, models.Step, new Pendulum().ActionSpace, settings.Build(new PendulumCost(), 3, 1), new Random(2));
        planner.UseFusedRollout(rollout);
        Assert.Equal(0, await TickBytes(planner, 1000));
    }

    [Theory]
    [InlineData("cem", true)]
    [InlineData("cem", false)]
    [InlineData("mppi", true)]
    [InlineData("mppi", false)]
    [InlineData("icem", true)]
    public void Plan_AllocatesNothing_InSteadyState(string kind, bool fused)
    {
        const int horizon = 8;
        PlannerOptions o = kind switch
        {
            "cem" => new CemOptions { Population = 40, Elites = 5, Iterations = 3, Horizon = horizon },
            "mppi" => new MppiOptions { Samples = 40, Iterations = 2, Horizon = horizon },
            _ => new IcemOptions { Population = 40, Elites = 5, Iterations = 3, Horizon = horizon },
        };
        using var models = new SmallEnsembleModels(false, o.MaxBatch, hidden: 8);
        var settings = new CostSettings { UncertaintyLambda = 0.5f, ActionRateWeight = 0.1f };
        using var rollout = models.Rollout(horizon, settings);
        var env = new Pendulum(3);
        var planner = (MpcPlanner)PlannerFactory.Create(o, models.Step, env.ActionSpace, settings.Build(env.Cost, 3, 1), new Random(2));
        if (fused) planner.UseFusedRollout(rollout);
        float[] obs = new float[3], action = new float[1];
        env.Reset(3, obs);
        for (int i = 0; i < 10; i++) { planner.Act(obs, action); env.Step(action, obs); }

        Action window = () => { for (int i = 0; i < 30; i++) planner.Act(obs, action); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));
    }

    [Fact]
    public void Plan_AllocatesNothing_OnAnyThread_WithACandidateShardedRollout()
    {
        var o = new MppiOptions { Samples = 40, Iterations = 1, Horizon = 8 };
        using var models = new SmallEnsembleModels(false, o.MaxBatch, hidden: 8);
        var settings = new CostSettings { UncertaintyLambda = 0.5f };
        using var rollout = models.Rollout(o.Horizon, settings, threads: 2);
        Assert.Equal(2, rollout.Shards);
        var env = new Pendulum(5);
        var planner = (MpcPlanner)PlannerFactory.Create(o, models.Step, env.ActionSpace, settings.Build(env.Cost, 3, 1), new Random(2));
        planner.UseFusedRollout(rollout);
        float[] obs = new float[3], action = new float[1];
        env.Reset(5, obs);
        for (int i = 0; i < 10; i++) { planner.Act(obs, action); env.Step(action, obs); }

        long workers = 0;
        Action window = () =>
        {
            long workersBefore = rollout.WorkerAllocatedBytes;
            for (int i = 0; i < 30; i++) planner.Act(obs, action);
            workers = rollout.WorkerAllocatedBytes - workersBefore; // the workers' bytes in the same window
        };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));
        Assert.Equal(0, workers);
    }

    [Fact]
    public void Plan_AllocatesNothing_WhenTheCallerHasToBlockOnASlowShard()
    {
        // A loaded machine: the caller's join outlasts its spin and blocks for the first time in the hot path.
        var o = new MppiOptions { Samples = 40, Iterations = 1, Horizon = 8 };
        using var models = new SmallEnsembleModels(false, o.MaxBatch, hidden: 8);
        var settings = new CostSettings();
        using var rollout = models.Rollout(o.Horizon, settings, threads: 2);
        var env = new Pendulum(5);
        var planner = (MpcPlanner)PlannerFactory.Create(o, models.Step, env.ActionSpace, settings.Build(env.Cost, 3, 1), new Random(2));
        planner.UseFusedRollout(rollout);
        float[] obs = new float[3], action = new float[1];
        env.Reset(5, obs);
        for (int i = 0; i < 5; i++) planner.Act(obs, action);

        rollout.BeforeWorkerRun = () => Thread.Sleep(5);
        Action window = () => { for (int i = 0; i < 3; i++) planner.Act(obs, action); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }
}
