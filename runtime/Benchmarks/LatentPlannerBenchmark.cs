using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Latent;
using Robotics.Runtime.Controllers.LatentMpc;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Benchmarks;

/// <summary>
/// <c>robotics bench planner --config tdmpc2-rt</c>: whole plans of the latent MPPI controller
/// (<see cref="LatentMppiOptions.RealTime"/>: 3 iterations x 256 samples, 16 from the prior, 32 elites,
/// horizon 3) on a random latent model of the trainer's small preset (Pendulum shapes; latent 64,
/// encoder 64, MLP 64, 5 Q heads, 101 bins), driven by the true pendulum. <c>tdmpc2-size1</c>: the same
/// budget on the paper's size-1 widths (latent 128, encoder 256, MLP 384).
/// </summary>
public static class LatentPlannerBenchmark
{
    public static BenchJson Run(PlannerBenchOptions o, ILogger logger)
    {
        bool size1 = o.Config == "tdmpc2-size1";
        int latent = size1 ? 128 : 64, enc = size1 ? 256 : 64, mlp = size1 ? 384 : 64;
        LatentMppiOptions options = LatentMppiOptions.RealTime;
        int plans = o.Plans > 0 ? o.Plans : 50;
        var env = new Pendulum(o.Seed);
        LatentModelParameters p = LatentModelRandom.Create(3, 1, latent, enc, mlp, 5, 101, new Random(o.Seed));
        string dir = Path.Combine(Path.GetTempPath(), "robotics-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var card = new ModelCard
            {
                Kind = ModelKinds.LatentMpc, Algo = "random", EnvId = env.Id,
                ObservationSpace = new CardSpace(env.ObservationSpace.Names, env.ObservationSpace.Low, env.ObservationSpace.High),
                ActionSpace = new CardSpace(env.ActionSpace.Names, env.ActionSpace.Low, env.ActionSpace.High),
                ControlPeriodSeconds = env.ControlPeriod.TotalSeconds, TrainingDataDigest = "random-weights", TrainerVersion = "bench",
                Metrics = new() { ["horizon"] = options.Horizon, ["latent_dim"] = latent, ["q_heads"] = 5, ["discount"] = p.Discount },
                Graphs = new()
                {
                    [GraphRoles.Encoder] = ModelCard.ThisFile,
                    [LatentGraphNames.PlanPolicyRole] = LatentGraphNames.PolicyRolloutFile,
                    [LatentGraphNames.PlanValueRole] = LatentGraphNames.ValueFile,
                },
            }.Validate();
            LatentGraphs.Encode(p, new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() }).Save(Path.Combine(dir, LatentGraphNames.EncodeFile));
            LatentGraphs.PolicyRollout(p, options.Horizon).Save(Path.Combine(dir, LatentGraphNames.PolicyRolloutFile));
            LatentGraphs.Value(p, options.Horizon).Save(Path.Combine(dir, LatentGraphNames.ValueFile));
            var model = LatentOnnxModel.Load(ModelFile.Read(Path.Combine(dir, LatentGraphNames.EncodeFile)), options, o.Threads, o.Provider, logger);
            using var controller = new LatentMpcController(model, options, env.ActionSpace, o.Seed);
            var obs = new float[3];
            var action = new float[1];
            env.Reset(o.Seed, obs);
            var ms = new double[plans];
            long allocated = 0;
            for (int i = -3; i < plans; i++)
            {
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                controller.Act(obs, action);
                double elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                long a1 = GC.GetAllocatedBytesForCurrentThread();
                if (i >= 0) { ms[i] = elapsed; allocated += a1 - a0; }
                if (env.Step(action, obs).Done) { env.Reset(null, obs); controller.Reset(); }
            }
            return new BenchJson()
                .Add("bench", "planner").Add("config", o.Config).Add("planner", "latent-mppi")
                .Add("samples", options.Samples).Add("policy_samples", options.PolicySamples).Add("elites", options.Elites)
                .Add("horizon", options.Horizon).Add("iterations", options.Iterations)
                .Add("latent", latent).Add("mlp", mlp).Add("q_heads", 5)
                .Add("provider", o.Provider.ToString().ToLowerInvariant()).Add("threads", o.Threads).Add("plans", plans)
                .Add("plan_ms_median", Samples.Percentile(ms, 0.5)).Add("plan_ms_p99", Samples.Percentile(ms, 0.99))
                .Add("alloc_bytes_per_plan", allocated / plans);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
