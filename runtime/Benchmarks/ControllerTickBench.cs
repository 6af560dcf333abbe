using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Safety;
using Robotics.Sim.Drivers;

namespace Robotics.Runtime.Benchmarks;

/// <summary>
/// The measurement behind <c>bench policy</c> and <c>bench recurrent-policy</c>: a deployment built through the
/// registry as <c>robotics run</c> builds it, ticked lock-step on an in-process robot (read -> controller -> gate ->
/// write -> record -> Observe). Times each commanded tick and counts managed bytes; the first 50 ticks and episode
/// starts are left out.
/// </summary>
internal static class ControllerTickBench
{
    public sealed record Result(double[] TickUs, long AllocatedBytes, SafetyCounts Counts, bool HasPredictor)
    {
        public BenchJson AddTo(BenchJson json) => json
            .Add("ticks", TickUs.Length).Add("tick_us_median", Samples.Percentile(TickUs, 0.5))
            .Add("tick_us_p99", Samples.Percentile(TickUs, 0.99)).Add("tick_us_max", Samples.Max(TickUs))
            .Add("vetoed", Counts[SafetyDecision.Vetoed]).Add("fallback", Counts[SafetyDecision.Fallback])
            .Add("alloc_bytes_per_tick", (double)AllocatedBytes / TickUs.Length);
    }

    /// <summary>
    /// Not real-time. Ticks <paramref name="ticks"/> measured commands of the deployment <paramref name="model"/> (with
    /// <paramref name="safetyModel"/> as its <c>--safety-model</c>, or null: the model's own predictor, if its kind has
    /// one) on <paramref name="driver"/>; throws when <paramref name="predictorRequired"/> and there is no predictor.
    /// </summary>
    public static Result Measure(SimDriver driver, string model, string? safetyModel, int ticks, bool predictorRequired, string bench, ILogger logger)
    {
        var time = TimeProvider.System;
        driver.ActivateAsync(CancellationToken.None).GetAwaiter().GetResult();
        RobotSpec spec = driver.Spec;
        var files = DeploymentFiles.Resolve(model, safetyModel, spec, ControllerRegistry.CreateDefault());
        var gateOptions = new SafetyGateOptions { Staleness = null };
        var options = new ControllerOptions { Threads = 1 };
        var predictor = files.PredictorFactory.CreateSafetyPredictor(new SafetyPredictorRequest
        {
            Model = files.PredictorFile, Robot = spec, MaxBatch = gateOptions.MaxCandidates + 1, Options = options, Logger = logger,
        });
        if (predictor is null && predictorRequired) throw new InvalidOperationException($"{bench} bench: the deployment offers no safety predictor");
        try
        {
            using var controller = files.Factory.Create(new ControllerContext
            {
                Model = files.Model, Robot = spec, SafetyPredictor = predictor, Options = options, Time = time, Logger = logger,
            });
            var gate = SafetyGate.Create(spec, predictor, gateOptions, timeProvider: time);
            var loop = new ControlLoop(driver, spec, controller, gate, new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 1000 }, time);
            loop.StartEpisodeAsync(CancellationToken.None).GetAwaiter().GetResult();
            var us = new double[ticks];
            long allocated = 0;
            int done = 0, warm = 50;
            var before = gate.Snapshot();
            while (done < ticks)
            {
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                TickStatus s = loop.Tick();
                double elapsed = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                long a1 = GC.GetAllocatedBytesForCurrentThread();
                if (s == TickStatus.EpisodeEnded) { loop.StartEpisodeAsync(CancellationToken.None).GetAwaiter().GetResult(); continue; }
                if (s != TickStatus.Commanded) continue;
                if (warm > 0) { warm--; continue; }
                us[done++] = elapsed;
                allocated += a1 - a0;
            }
            return new Result(us, allocated, gate.Snapshot().Since(before), predictor is not null);
        }
        finally { (predictor as IDisposable)?.Dispose(); }
    }
}
