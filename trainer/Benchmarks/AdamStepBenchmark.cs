using System.Diagnostics;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Models;
using Robotics.Trainer.Native;
using static TorchSharp.torch;

namespace Robotics.Trainer.Benchmarks;

/// <summary>Wall and CPU time of one training step (forward, backward, Adam) of an ensemble on random data.</summary>
public static class AdamStepBenchmark
{
    /// <param name="WallMsMedian">Median wall-clock milliseconds per step.</param>
    /// <param name="WallMsMin">Fastest step, the best estimate on a machine shared with other work.</param>
    /// <param name="CpuMsPerStep">Process CPU milliseconds per step (all threads).</param>
    /// <param name="Steps">Timed steps.</param>
    public readonly record struct Result(double WallMsMedian, double WallMsMin, double CpuMsPerStep, int Steps);

    public static Result Run(EnsembleOptions options, int inputDim, int outputDim, int steps, int warmup = 5)
    {
        options.Validate();
        TorchSetup.Ensure(options.Threads);
        using var generator = new Generator((ulong)options.Seed);
        using var network = new ProbabilisticEnsemble(options.Members, inputDim, outputDim, options.HiddenUnits, options.HiddenLayers, generator);
        using var optimizer = optim.Adam(network.parameters(), options.LearningRate);
        using var x = randn([options.Members, options.BatchSize, inputDim], generator: generator);
        using var y = randn([options.Members, options.BatchSize, outputDim], generator: generator);
        var wall = new double[steps];
        var process = Process.GetCurrentProcess();
        TimeSpan cpuStart = TimeSpan.Zero;
        for (int s = -warmup; s < steps; s++)
        {
            if (s == 0) { process.Refresh(); cpuStart = process.TotalProcessorTime; }
            long t0 = Stopwatch.GetTimestamp();
            using (NewDisposeScope()) EnsembleFitting.AdamStep(network, optimizer, x, y, options);
            if (s >= 0) wall[s] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuStart).TotalMilliseconds / steps;
        Array.Sort(wall);
        return new Result(wall[steps / 2], wall[0], cpu, steps);
    }
}
