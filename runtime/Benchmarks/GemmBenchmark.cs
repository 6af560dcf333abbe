using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Onnx;

namespace Robotics.Runtime.Benchmarks;

/// <summary>Batched float32 GEMM sizes: Batch products of [M, K] x [K, N].</summary>
public sealed record GemmBenchOptions
{
    public int Batch { get; init; } = 5;
    public int M { get; init; } = 1000;
    public int K { get; init; } = 200;
    public int N { get; init; } = 200;
    public int Threads { get; init; } = 2;
    public int Runs { get; init; } = 200;

    public GemmBenchOptions Validate()
    {
        if (Batch < 1 || M < 1 || K < 1 || N < 1) throw new ArgumentException($"gemm: sizes must be >= 1, got {Batch}x{M}x{K}x{N}");
        if (Threads is < 1 or > 256) throw new ArgumentException($"gemm: threads must be in [1, 256], got {Threads}");
        if (Runs < 1) throw new ArgumentException($"gemm: runs must be >= 1, got {Runs}");
        return this;
    }
}

/// <summary>
/// The practical float32 GEMM peak through ONNX Runtime: one MatMul node [B, M, K] x [B, K, N] (weights as an
/// initializer, like the ensemble's layers), inputs and outputs pre-bound, the same session settings as the
/// world model. FLOPs = 2 x B x M x K x N per run.
/// </summary>
public static class GemmBenchmark
{
    public static BenchJson Run(GemmBenchOptions o)
    {
        o.Validate();
        var rng = new Random(1);
        var g = new OnnxGraphBuilder("gemm");
        var x = g.Input("x", [o.Batch, o.M, o.K]);
        var w = new float[o.Batch * o.K * o.N];
        for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextDouble() - 0.5f;
        g.Output("y", g.MatMul(x, g.Initializer("w", w, o.Batch, o.K, o.N)), [o.Batch, o.M, o.N]);
        byte[] model = g.ToModel().Serialize();

        using var so = new SessionOptions
        {
            IntraOpNumThreads = o.Threads, InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(model, so);
        var xs = new float[o.Batch * o.M * o.K];
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)rng.NextDouble() - 0.5f;
        var ys = new float[o.Batch * o.M * o.N];
        using var xv = OrtValue.CreateTensorValueFromMemory(xs, [o.Batch, o.M, o.K]);
        using var yv = OrtValue.CreateTensorValueFromMemory(ys, [o.Batch, o.M, o.N]);
        using var binding = session.CreateIoBinding();
        binding.BindInput("x", xv);
        binding.BindOutput("y", yv);
        using var ro = new RunOptions();

        for (int i = 0; i < Math.Max(3, o.Runs / 10); i++) session.RunWithBinding(ro, binding);
        var ms = new double[o.Runs];
        for (int i = 0; i < o.Runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            session.RunWithBinding(ro, binding);
            ms[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        double flops = 2.0 * o.Batch * o.M * o.K * o.N;
        double median = Samples.Percentile(ms, 0.5);
        return new BenchJson()
            .Add("bench", "gemm").Add("batch", o.Batch).Add("m", o.M).Add("k", o.K).Add("n", o.N).Add("threads", o.Threads)
            .Add("runs", o.Runs).Add("ms_median", median).Add("gflops_per_s", flops / (median * 1e6))
            .Add("gflops_per_s_best", flops / (ms.Min() * 1e6));
    }
}
