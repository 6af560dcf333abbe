using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Benchmarks;

/// <summary>What <c>robotics bench planner</c> measures.</summary>
public sealed record PlannerBenchOptions
{
    /// <summary>"pets-full" (CEM 500 x 30 x 5 iterations) or "pets-rt" (MPPI 400 x 15 x 1, warm start).</summary>
    public string Config { get; init; } = "pets-rt";
    public ProviderPreference Provider { get; init; } = ProviderPreference.Cpu;
    public int Threads { get; init; } = 2;
    /// <summary>One fused rollout call per iteration (true) or one step-graph call per horizon step.</summary>
    public bool Fused { get; init; } = true;
    /// <summary>Measured plans; 0 = 10 for pets-full, 50 for pets-rt.</summary>
    public int Plans { get; init; }
    public int Seed { get; init; }
    /// <summary>Layout of the fused rollout graph's horizon.</summary>
    public EnsembleRolloutGraph.Form Form { get; init; } = EnsembleRolloutGraph.Form.Unrolled;
    /// <summary>Layout of the members' dense layers in the fused rollout graph.</summary>
    /// <summary>Null = the deployed default (per-member for MPC, <see cref="Planning.Mcts.MctsFusedLeaves.DefaultLayout"/> for MCTS's leaves).</summary>
    public EnsembleForward.Layout? Layout { get; init; }
    /// <summary>Let ONNX Runtime's worker threads spin between operators of the rollout graph.</summary>
    public bool Spin { get; init; }
    /// <summary>Split the candidates across the threads (see <see cref="WorldModelOptions.ShardRollout"/>).</summary>
    public bool Shard { get; init; } = true;
    /// <summary>mcts configs: plan over this learned ONNX step graph (e.g. a PETS iteration's model) instead of the random ensemble; null = random.</summary>
    public string? ModelPath { get; init; }
    /// <summary>mcts configs: simulations, rollouts per leaf and rollout horizon instead of the config's (null = the config's).</summary>
    public int? Search { get; init; }
    public int? Rollouts { get; init; }
    public int? Horizon { get; init; }
    /// <summary>mcts configs: a Gumbel round's leaves in one model call each (<see cref="Planning.Mcts.MctsOptions.BatchRounds"/>).</summary>
    public bool BatchRounds { get; init; } = true;
    /// <summary>mcts configs: <see cref="WorldModelOptions.MinShardCandidates"/> of the leaf graph (null = what MCTS deploys).</summary>
    public int? MinShardCandidates { get; init; }

    public PlannerBenchOptions Validate()
    {
        if ((Search ?? Rollouts ?? Horizon) is not null && !Config.StartsWith("mcts", StringComparison.Ordinal))
            throw new ArgumentException($"planner bench: --search, --rollouts and --horizon are for the mcts configs only, got config '{Config}'");
        if (Config is not ("pets-full" or "pets-rt" or "tdmpc2-rt" or "tdmpc2-size1" or "mcts-cartpole" or "mcts-cartpole-rt"))
            throw new ArgumentException($"planner bench: config must be pets-full, pets-rt, tdmpc2-rt, tdmpc2-size1, mcts-cartpole or mcts-cartpole-rt, got '{Config}'");
        if (Threads is < 1 or > 256) throw new ArgumentException($"planner bench: threads must be in [1, 256], got {Threads}");
        if (Plans < 0) throw new ArgumentException($"planner bench: plans must be >= 0, got {Plans}");
        if (ModelPath is not null && !Config.StartsWith("mcts", StringComparison.Ordinal))
            throw new ArgumentException($"planner bench: --model is for the mcts configs only, got config '{Config}'");
        if (ModelPath is not null && !File.Exists(ModelPath))
            throw new ArgumentException($"planner bench: model file '{ModelPath}' does not exist");
        return this;
    }
}

/// <summary>
/// Times whole plans (<see cref="IPlanner"/>.Act) of a PETS-sized planner on a random-weight ensemble of the
/// Pendulum shape: 5 members, MLP 4 -> 200 -> 200 -> 200 -> 6 with SiLU (3 delta means + 3 log-variances,
/// analytic pendulum cost), driven by the true pendulum so warm starts see real states. No training.
/// <para>
/// FLOPs per plan = candidates x horizon x iterations x members x sum over dense layers of 2 x in x out
/// (= 164,000 per member-sample-step for this MLP; biases, activations and the cost are not counted).
/// pets-full: 500 x 30 x 5 x 5 x 164,000 = 61.5 GFLOP. A model evaluation is one candidate through all
/// members for one step.
/// </para>
/// </summary>
public static class PlannerBenchmark
{
    public static readonly int[] Hidden = [200, 200, 200];
    public const int Members = 5, OutputWidth = 6;

    public static PlannerOptions PlannerFor(string config) => config switch
    {
        "pets-full" => new CemOptions { Population = 500, Horizon = 30, Iterations = 5, Elites = 50, Alpha = 0.1f }.Validate(),
        "pets-rt" => new MppiOptions { Samples = 400, Horizon = 15, Iterations = 1 }.Validate(),
        _ => throw new ArgumentException($"unknown planner bench config '{config}'"),
    };

    public static BenchJson Run(PlannerBenchOptions o, ILogger logger)
    {
        o.Validate();
        if (o.Config.StartsWith("tdmpc2", StringComparison.Ordinal)) return LatentPlannerBenchmark.Run(o, logger);
        if (o.Config.StartsWith("mcts", StringComparison.Ordinal)) return MctsPlannerBenchmark.Run(o, logger);
        PlannerOptions popts = PlannerFor(o.Config);
        int iterations = popts is CemOptions c ? c.Iterations : ((MppiOptions)popts).Iterations;
        int plans = o.Plans > 0 ? o.Plans : o.Config == "pets-full" ? 10 : 50;
        var env = new Pendulum(o.Seed);
        var spec = env.ToSpec("bench");
        var p = EnsembleParameters.CreateRandom(3, 1, Members, Hidden, OutputWidth, predictsReward: false, new Random(o.Seed));
        var wopts = new WorldModelOptions { MaxBatch = popts.MaxBatch, IntraOpThreads = o.Threads, Provider = o.Provider, ShardRollout = o.Shard };

        string dir = Path.Combine(Path.GetTempPath(), "robotics-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "model.onnx");
            EnsembleStepGraph.Build(p, new Dictionary<string, string> { [ModelCard.MetadataKey] = BenchCard(spec).ToJson() }).Save(path);
            using var model = OnnxWorldModel.Load(path, spec, wopts, logger);
            var settings = new CostSettings();
            var planner = (MpcPlanner)PlannerFactory.Create(popts, model, spec.ActionSpace, settings.Build(env.Cost, 3, 1), new Random(o.Seed));
            OnnxRolloutModel? rollout = null;
            if (o.Fused)
            {
                var cost = RolloutCosts.For(settings, env.Cost)!;
                rollout = OnnxRolloutModel.Create(EnsembleRolloutGraph.Build(p, popts.Horizon, cost, form: o.Form, layout: o.Layout ?? EnsembleForward.Layout.PerMember).Serialize(), "rollout(bench)", wopts, logger, o.Spin);
                planner.UseFusedRollout(rollout);
            }
            using (rollout)
            {
                var obs = new float[3];
                var action = new float[1];
                env.Reset(o.Seed, obs);
                planner.Reset();
                var ms = new double[plans];
                long allocated = 0;
                for (int i = -3; i < plans; i++) // 3 warm-up plans bind every batch size first
                {
                    long a0 = GC.GetAllocatedBytesForCurrentThread() + (rollout?.WorkerAllocatedBytes ?? 0);
                    long t0 = Stopwatch.GetTimestamp();
                    planner.Act(obs, action);
                    double elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    long a1 = GC.GetAllocatedBytesForCurrentThread() + (rollout?.WorkerAllocatedBytes ?? 0);
                    if (i >= 0) { ms[i] = elapsed; allocated += a1 - a0; }
                    if (env.Step(action, obs).Done) { env.Reset(null, obs); planner.Reset(); }
                }
                double evals = (double)popts.MaxBatch * popts.Horizon * iterations;
                double flops = evals * p.FlopsPerSample;
                double median = Samples.Percentile(ms, 0.5);
                return new BenchJson()
                    .Add("bench", "planner").Add("config", o.Config).Add("planner", popts is CemOptions ? "cem" : "mppi")
                    .Add("candidates", popts.MaxBatch).Add("horizon", popts.Horizon).Add("iterations", iterations)
                    .Add("members", Members).Add("mlp", "4-200-200-200-6 silu")
                    .Add("provider", model.Provider).Add("threads", o.Threads).Add("fused", o.Fused).Add("form", o.Fused ? o.Form.ToString().ToLowerInvariant() : "step").Add("layout", (o.Layout ?? EnsembleForward.Layout.PerMember).ToString().ToLowerInvariant()).Add("spin", o.Spin).Add("shards", rollout?.Shards ?? 0).Add("plans", plans)
                    .Add("plan_ms_median", median).Add("plan_ms_p99", Samples.Percentile(ms, 0.99))
                    .Add("model_evals_per_s", evals / (median / 1e3)).Add("gflop_per_plan", flops / 1e9)
                    .Add("gflops_per_s", flops / (median * 1e6)).Add("alloc_bytes_per_plan", allocated / plans);
            }
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    internal static ModelCard BenchCard(Robotics.Core.Robots.RobotSpec spec) => new()
    {
        EnvId = spec.EnvId,
        ObservationSpace = new CardSpace(spec.ObservationSpace.Names, spec.ObservationSpace.Low, spec.ObservationSpace.High),
        ActionSpace = new CardSpace(spec.ActionSpace.Names, spec.ActionSpace.Low, spec.ActionSpace.High),
        ControlPeriodSeconds = spec.ControlPeriod.TotalSeconds,
        Kind = ModelKinds.EnsembleDynamics,
        Algo = "random",
        Graphs = new() { [GraphRoles.Step] = ModelCard.ThisFile },
        Ensemble = new EnsembleSection(Members, Members) { Disagreement = DisagreementMeasures.Default.Name() },
        Uncertainty = new UncertaintyCalibration { P99 = 1, Max = 1 },
        TrainingDataDigest = "random-weights",
        TrainerVersion = "bench",
    };
}
