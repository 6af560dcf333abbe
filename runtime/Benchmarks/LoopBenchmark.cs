using System.Diagnostics;
using Robotics.Runtime.Loop;
using Robotics.Safety;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Benchmarks;

/// <summary>
/// Times the control loop's tick (read -> plan -> gate -> write -> record) at a given rate with a cheap
/// policy, the real safety gate and an in-process pendulum, paced by a periodic timer. Reports tick
/// latency percentiles and managed bytes allocated per tick (GC.GetAllocatedBytesForCurrentThread around
/// each synchronous tick; episode starts are excluded).
/// </summary>
public static class LoopBenchmark
{
    public static async Task<BenchJson> RunAsync(double hz, int ticks, CancellationToken ct)
    {
        if (!(hz > 0) || hz > 10_000) throw new ArgumentException($"loop bench: rate must be in (0, 10000] Hz, got {hz}");
        if (ticks < 1) throw new ArgumentException($"loop bench: ticks must be >= 1, got {ticks}");
        var period = TimeSpan.FromSeconds(1 / hz);
        var time = TimeProvider.System;
        var driver = new SimDriver(new Pendulum(0), "in-process", time, SimDriver.SequentialSeeds(0), period);
        await driver.ActivateAsync(ct);
        var gate = SafetyGate.Create(driver.Spec, timeProvider: time);
        var loop = new ControlLoop(driver, driver.Spec, new PdPolicy(), gate,
                                   new ControlLoopOptions { Realtime = true, MaxEpisodeSteps = 1000 }, time);
        await loop.StartEpisodeAsync(ct);
        var ms = new double[ticks];
        long allocated = 0;
        int done = 0, warm = 20, overruns = 0;
        using var timer = new PeriodicTimer(period, time);
        while (done < ticks)
        {
            await timer.WaitForNextTickAsync(ct);
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            TickStatus s = loop.Tick();
            double elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            if (s == TickStatus.EpisodeEnded) { await loop.StartEpisodeAsync(ct); continue; }
            if (warm > 0) { warm--; continue; }
            ms[done++] = elapsed;
            allocated += a1 - a0;
            if (elapsed > period.TotalMilliseconds) overruns++;
        }
        return new BenchJson()
            .Add("bench", "loop").Add("hz", hz).Add("ticks", ticks)
            .Add("tick_ms_p50", Samples.Percentile(ms, 0.5)).Add("tick_ms_p99", Samples.Percentile(ms, 0.99))
            .Add("tick_ms_max", Samples.Max(ms)).Add("overruns", overruns)
            .Add("alloc_bytes_per_tick", (double)allocated / ticks);
    }
}
