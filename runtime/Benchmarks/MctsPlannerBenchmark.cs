using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Core.Tasks;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Planning.Mcts;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Benchmarks;

/// <summary>
/// <c>robotics bench planner --config mcts-cartpole</c>: whole MCTS plans on a random-weight ensemble of the
/// CartPole shape (5 members, MLP 5 -> 200 -> 200 -> 200 -> 8 with SiLU, the PETS size) through
/// <see cref="OnnxWorldModel"/>, with the cartpole task's cost and termination, driven by the true cart-pole
/// so the searched states are real ones. Budget: 32 simulations, 2 actions, 8 random rollouts of 20 steps
/// (mcts-cartpole) or 16 simulations, 4 rollouts of 10 (mcts-cartpole-rt); the control period is 20 ms.
/// With <see cref="PlannerBenchOptions.ModelPath"/> the plans run over that learned cartpole model instead (a PETS
/// iteration's export: its card is checked against the cart-pole robot, its members and layers are whatever it holds),
/// which is the configuration <c>robotics-train pets --env cartpole --planner mcts</c> deploys.
/// With <see cref="PlannerBenchOptions.Fused"/> (the default, as the deployed controller) each leaf's rollouts are one
/// fused-graph call; <c>--fused false</c> steps them one model call per step.
/// Model calls per plan: at most 2 + simulations x (1 + horizon, or 1 fused) (root expansion and value, then per simulation; terminal
/// leaves and rollouts that all end early take fewer).
/// </summary>
public static class MctsPlannerBenchmark
{
    public static MctsOptions OptionsFor(string config) => config switch
    {
        "mcts-cartpole" => new MctsOptions { Simulations = 32, Horizon = 20, Rollouts = 8 }.Validate(),
        "mcts-cartpole-rt" => new MctsOptions { Simulations = 16, Horizon = 10, Rollouts = 4 }.Validate(),
        _ => throw new ArgumentException($"unknown mcts bench config '{config}'"),
    };

    /// <summary>The config's budget with the options' overrides (simulations, rollouts, horizon, batched rounds).</summary>
    public static MctsOptions OptionsFor(PlannerBenchOptions o)
    {
        MctsOptions c = OptionsFor(o.Config);
        return (c with
        {
            Simulations = o.Search ?? c.Simulations, Rollouts = o.Rollouts ?? c.Rollouts, Horizon = o.Horizon ?? c.Horizon, BatchRounds = o.BatchRounds,
        }).Validate();
    }

    public static BenchJson Run(PlannerBenchOptions o, ILogger logger)
    {
        MctsOptions mo = OptionsFor(o);
        int plans = o.Plans > 0 ? o.Plans : 100;
        var env = new Cartpole(o.Seed);
        var spec = env.ToSpec("bench");
        var task = new CartpoleTask();
        var p = EnsembleParameters.CreateRandom(4, 1, PlannerBenchmark.Members, PlannerBenchmark.Hidden, 8, predictsReward: false, new Random(o.Seed));
        var wopts = new WorldModelOptions { MaxBatch = mo.MaxBatch, IntraOpThreads = o.Threads, Provider = o.Provider };
        string dir = Path.Combine(Path.GetTempPath(), "robotics-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string path = o.ModelPath ?? Path.Combine(dir, "model.onnx");
            if (o.ModelPath is null)
                EnsembleStepGraph.Build(p, new Dictionary<string, string> { [ModelCard.MetadataKey] = PlannerBenchmark.BenchCard(spec).ToJson() }).Save(path);
            using var model = OnnxWorldModel.Load(path, spec, wopts, logger);
            var planner = new MctsPlanner(model, spec.ActionSpace, new CostSettings().Build(task.Cost, 4, 1), mo, new Random(o.Seed), task);
            using OnnxRolloutModel? rollout = o.Fused
                ? MctsFusedLeaves.TryCreate(path, model.Card, mo, new CostSettings(), task.Cost, task, wopts, logger, o.Layout, o.MinShardCandidates)
                : null;
            if (rollout is not null) planner.UseFusedRollout(rollout);
            var obs = new float[4];
            var action = new float[1];
            env.Reset(o.Seed, obs);
            var ms = new double[plans];
            long allocated = 0, expandCalls = 0, valueCalls = 0, expandTicks = 0, valueTicks = 0;
            for (int i = -3; i < plans; i++) // warm-up plans bind every batch size first
            {
                if (i == 0)
                {
                    expandCalls = planner.Steps.ExpandCalls; valueCalls = planner.Steps.ValueCalls;
                    expandTicks = planner.Steps.ExpandTicks; valueTicks = planner.Steps.ValueTicks;
                }
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                planner.Act(obs, action);
                double elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                long a1 = GC.GetAllocatedBytesForCurrentThread();
                if (i >= 0) { ms[i] = elapsed; allocated += a1 - a0; }
                // A random-weight model plans nonsense, so the true robot is kept alive by resetting it.
                if (env.Step(action, obs).Done) { env.Reset(null, obs); planner.Reset(); }
            }
            double period = spec.ControlPeriod.TotalMilliseconds, median = Samples.Percentile(ms, 0.5), p99 = Samples.Percentile(ms, 0.99);
            double perPlanMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency / plans;
            double mean = 0;
            foreach (double x in ms) mean += x / plans;
            return new BenchJson()
                .Add("bench", "planner").Add("config", o.Config).Add("planner", "mcts").Add("root", mo.Root.ToString().ToLowerInvariant())
                .Add("simulations", mo.Simulations).Add("actions", planner.Branching).Add("rollouts", mo.Rollouts).Add("horizon", mo.Horizon)
                .Add("fused_leaf_rollouts", planner.Fused).Add("batch_rounds", mo.BatchRounds)
                .Add("layout", (o.Layout ?? MctsFusedLeaves.DefaultLayout).ToString().ToLowerInvariant()).Add("shards", rollout?.Shards ?? 0)
                .Add("max_model_calls_per_plan", 2 + mo.Simulations * (1 + (planner.Fused ? 1 : mo.Horizon)))
                .Add("model", o.ModelPath ?? "random").Add("members", model.Members)
                .Add("mlp", o.ModelPath is null ? "5-200-200-200-8 silu" : "learned (see the card)")
                .Add("provider", model.Provider).Add("threads", o.Threads).Add("plans", plans)
                .Add("plan_ms_median", median).Add("plan_ms_p99", p99).Add("control_period_ms", period)
                .Add("fits_period_p99", p99 <= period).Add("alloc_bytes_per_plan", allocated / plans)
                // Where the time goes: model calls per plan and their mean time per plan (the rest is the search itself).
                .Add("plan_ms_mean", mean)
                .Add("expand_calls_per_plan", (double)(planner.Steps.ExpandCalls - expandCalls) / plans)
                .Add("leaf_calls_per_plan", (double)(planner.Steps.ValueCalls - valueCalls) / plans)
                .Add("expand_ms_per_plan", perPlanMs(planner.Steps.ExpandTicks - expandTicks))
                .Add("leaf_ms_per_plan", perPlanMs(planner.Steps.ValueTicks - valueTicks));
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
