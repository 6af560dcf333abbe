using Robotics.Runtime.Benchmarks;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Service;
using Robotics.Safety;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Service;

/// <summary>The service's metrics on the loop's hot path: 0 B per tick, and they count what the loop did.</summary>
public sealed class ServiceMetricsAllocationTests
{
    [Fact]
    public async Task ControlTick_WithServiceMetricsAttached_AllocatesNothing_Over1000Ticks_AndCountsEveryAnsweredState()
    {
        var driver = new SimDriver(new Pendulum(1), "in-process", TimeProvider.System, SimDriver.SequentialSeeds(1), TimeSpan.FromMilliseconds(50));
        await driver.ActivateAsync(CancellationToken.None);
        var loop = new ControlLoop(driver, driver.Spec, new PdPolicy(), SafetyGate.Create(driver.Spec),
                                   new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 1000 }, TimeProvider.System);
        var metrics = new LoopMetrics(TimeProvider.System);
        metrics.Configure(driver.Spec.ObservationSpace.Dimension);
        loop.Monitor = metrics;
        await loop.StartEpisodeAsync(CancellationToken.None);
        for (int i = 0; i < 50; i++)   // warm-up: JIT, first bindings
            if (loop.Tick() == TickStatus.EpisodeEnded) await loop.StartEpisodeAsync(CancellationToken.None);
        long answeredBefore = metrics.StatesAnswered, periodsBefore = metrics.PeriodSeconds.Count;
        var (allocated, ran) = await Robotics.Runtime.Tests.Fakes.LoopAllocation.TicksAsync(loop, 1000);
        Assert.Equal(0, allocated);
        Assert.Equal(1000 * ran, metrics.StatesAnswered - answeredBefore);
        Assert.Equal(1000 * ran, metrics.PlanSeconds.CumulativeCount(metrics.PlanSeconds.Bounds.Count) - 50);
        Assert.True(metrics.PeriodSeconds.Count - periodsBefore >= 990 * ran, $"{metrics.PeriodSeconds.Count - periodsBefore} periods observed in {ran} windows");
        Assert.Equal(50 + 1000 * ran, metrics.Decisions(Robotics.Core.Robots.SafetyDecision.Ok) + metrics.Decisions(Robotics.Core.Robots.SafetyDecision.Clamped)

                           + metrics.Decisions(Robotics.Core.Robots.SafetyDecision.Vetoed) + metrics.Decisions(Robotics.Core.Robots.SafetyDecision.Fallback));
        Assert.Equal(LoopMetrics.RecentCapacity, metrics.RecentObservations().Count);
    }

    [Fact]
    public void Histogram_BucketsAreCumulative_AndInfEqualsCount()
    {
        var h = new Histogram([0.01, 0.05], 1000);   // ticks are milliseconds here
        foreach (long ms in new long[] { 5, 10, 20, 70 }) h.Observe(ms);
        Assert.Equal((2L, 3L, 4L, 4L), (h.CumulativeCount(0), h.CumulativeCount(1), h.CumulativeCount(2), h.Count));
        Assert.Equal(0.105, h.SumSeconds, 9);
    }
}
