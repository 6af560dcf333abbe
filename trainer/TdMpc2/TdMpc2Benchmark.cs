using System.Diagnostics;
using Robotics.Runtime.Controllers.LatentMpc;
using Robotics.Runtime.Planning;
using Robotics.Trainer.Native;
using static TorchSharp.torch;

namespace Robotics.Trainer.TdMpc2;

/// <summary>Wall and CPU time of one update and one plan (after warm-up), to size runs before starting them.</summary>
public readonly record struct TdMpc2BenchResult(double UpdateMsMedian, double UpdateCpuMs, double PlanMsMedian, double PlanCpuMs);

public static class TdMpc2Benchmark
{
    /// <summary>Not real-time. Random data of the given sizes in the replay buffer, then timed updates and plans.</summary>
    public static TdMpc2BenchResult Run(TdMpc2Options o, int obsDim, int actDim, int updates, int plans)
    {
        o.Validate();
        TorchSetup.Ensure(o.Threads);
        using var generator = new Generator((ulong)o.Seed);
        using var model = new LatentWorldModel(obsDim, actDim, o.Model, generator);
        var rng = new Random(o.Seed);
        var buffer = new SliceReplayBuffer(1000, 10, obsDim, actDim, o.Horizon);
        var x = new float[obsDim];
        var a = new float[actDim];
        for (int e = 0; e < 5; e++)
        {
            for (int i = 0; i < obsDim; i++) x[i] = (float)rng.NextDouble();
            buffer.BeginEpisode(x);
            for (int t = 0; t < 200; t++)
            {
                for (int i = 0; i < obsDim; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
                for (int i = 0; i < actDim; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
                buffer.Add(a, -(float)rng.NextDouble() * 10, false, x);
            }
        }
        using var update = new TdMpc2Update(model, o, 0.975f, new Random(1), generator);
        var planner = new TdMpc2Planner(model, o.Planner, 0.975f);
        var noise = new LatentMppiNoise(o.Planner, actDim, o.Model.QHeads);
        var gaussian = new GaussianSampler(new Random(2));

        var (um, uc) = Time(updates, () =>
        {
            var (bo, ba, br, bt) = buffer.Sample(o.BatchSize, rng);
            using (bo) using (ba) using (br) using (bt) update.Step(bo, ba, br, bt);
        });
        var (pm, pc) = Time(plans, () =>
        {
            noise.Fill(gaussian);
            planner.Act(x, false, true, noise);
        });
        return new TdMpc2BenchResult(um, uc, pm, pc);
    }

    private static (double MedianMs, double CpuMs) Time(int n, Action body)
    {
        for (int i = 0; i < 3; i++) body();
        var wall = new double[n];
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < n; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            body();
            wall[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / n;
        Array.Sort(wall);
        return (wall[n / 2], cpu);
    }
}
