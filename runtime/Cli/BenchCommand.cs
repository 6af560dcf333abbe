using System.CommandLine;
using Microsoft.Extensions.Logging;
using Robotics.Core.Cli;
using Robotics.Runtime.Benchmarks;
using Robotics.Runtime.Models;

namespace Robotics.Runtime.Cli;

/// <summary>
/// <c>robotics bench gemm|loop|planner</c>: the machine's float32 GEMM rate through ONNX Runtime, the control
/// tick's latency and allocations, and whole-plan timings of PETS-sized planners. Results go to stdout
/// (one JSON line per measurement with --json, else key=value text); logs go to stderr.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks: gemm (practical float32 peak), loop (tick latency, allocations), planner (plan time), latency (state -> command over MQTT and serial).");
        bench.Subcommands.Add(Gemm());
        bench.Subcommands.Add(LoopCmd());
        bench.Subcommands.Add(Planner());
        bench.Subcommands.Add(BenchLatencyCommand.Create());
        bench.Subcommands.Add(PolicyCmd());
        bench.Subcommands.Add(RecurrentPolicyCmd());
        return bench;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON line per result." };
    private static Option<int> ThreadsOption() => new("--threads") { Description = "ONNX Runtime intra-op threads.", DefaultValueFactory = _ => 2 };

    private static Command Gemm()
    {
        var cmd = new Command("gemm", "Batched float32 MatMul [B,M,K] x [B,K,N] through ONNX Runtime; GFLOP/s.");
        var json = JsonOption(); var threads = ThreadsOption();
        var batch = new Option<int>("--batch") { Description = "Batch B (ensemble members).", DefaultValueFactory = _ => 5 };
        var m = new Option<int>("--m") { Description = "Rows M (candidates).", DefaultValueFactory = _ => 1000 };
        var k = new Option<int>("--k") { Description = "Inner size K.", DefaultValueFactory = _ => 200 };
        var n = new Option<int>("--n") { Description = "Columns N.", DefaultValueFactory = _ => 200 };
        var runs = new Option<int>("--runs") { Description = "Timed runs.", DefaultValueFactory = _ => 200 };
        foreach (Option o in new Option[] { json, threads, batch, m, k, n, runs }) cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var o = Validated(() => new GemmBenchOptions
            {
                Batch = r.GetValue(batch), M = r.GetValue(m), K = r.GetValue(k), N = r.GetValue(n),
                Threads = r.GetValue(threads), Runs = r.GetValue(runs),
            }.Validate());
            Print(GemmBenchmark.Run(o), r.GetValue(json));
            return 0;
        });
        return cmd;
    }

    private static Command LoopCmd()
    {
        var cmd = new Command("loop", "Control-loop tick latency and bytes allocated per tick at 20 Hz and 500 Hz with a cheap policy.");
        var json = JsonOption();
        var seconds = new Option<double>("--seconds") { Description = "Measured seconds per rate.", DefaultValueFactory = _ => 5 };
        var rates = new Option<double[]>("--hz") { Description = "Rates to measure.", DefaultValueFactory = _ => [20, 500], AllowMultipleArgumentsPerToken = true };
        cmd.Options.Add(json); cmd.Options.Add(seconds); cmd.Options.Add(rates);
        cmd.SetAction(async (r, ct) =>
        {
            double s = r.GetValue(seconds);
            CliApp.Require(s > 0 && s <= 3600, $"--seconds must be in (0, 3600], got {s}");
            foreach (double hz in r.GetValue(rates)!)
            {
                CliApp.Require(hz > 0 && hz <= 10_000, $"--hz must be in (0, 10000], got {hz}");
                Print(await LoopBenchmark.RunAsync(hz, Math.Max(1, (int)(hz * s)), ct), r.GetValue(json));
            }
            return 0;
        });
        return cmd;
    }

    private static Command Planner()
    {
        var cmd = new Command("planner", "Plan time of a PETS-sized planner on a random-weight 5 x (4-200-200-200-6) ensemble.");
        var json = JsonOption(); var threads = ThreadsOption();
        var config = new Option<string>("--config") { Description = "pets-full (CEM 500x30, 5 iterations), pets-rt (MPPI 400x15, 1 iteration), tdmpc2-rt (latent MPPI 3 x 256, horizon 3, small model) or tdmpc2-size1 (same budget, size-1 model), mcts-cartpole (MCTS 32 simulations, 8 rollouts x 20) or mcts-cartpole-rt (16, 4 x 10).", DefaultValueFactory = _ => "pets-rt" };
        config.AcceptOnlyFromAmong("pets-full", "pets-rt", "tdmpc2-rt", "tdmpc2-size1", "mcts-cartpole", "mcts-cartpole-rt");
        var provider = new Option<string>("--provider") { Description = "cpu or cuda (falls back to cpu with a log line).", DefaultValueFactory = _ => "cpu" };
        provider.AcceptOnlyFromAmong("cpu", "cuda", "auto");
        var fused = new Option<bool>("--fused") { Description = "Score with the fused rollout graph (one call per iteration).", DefaultValueFactory = _ => true };
        var plans = new Option<int>("--plans") { Description = "Measured plans (0 = 10 for pets-full, 50 for pets-rt).", DefaultValueFactory = _ => 0 };
        var form = new Option<string>("--form") { Description = "Fused rollout layout: unrolled (default) or loop (ONNX Loop over the horizon).", DefaultValueFactory = _ => "unrolled" };
        form.AcceptOnlyFromAmong("unrolled", "loop");
        var shard = new Option<bool>("--shard") { Description = "Split the candidates across the threads, each running the rollout single-threaded (default), instead of one run on ONNX Runtime's intra-op pool.", DefaultValueFactory = _ => true };
        var layout = new Option<string?>("--layout") { Description = "Members' dense layers in the rollout graph: per-member (2-D Gemm per member) or batched (one batched MatMul); default: what the planner deploys." };
        layout.AcceptOnlyFromAmong("per-member", "batched");
        var spin = new Option<bool>("--spin") { Description = "Let ONNX Runtime's workers spin between the rollout graph's operators." };
        var seed = new Option<int>("--seed") { Description = "Seed for weights, sampling and the pendulum.", DefaultValueFactory = _ => 0 };
        var model = new Option<string?>("--model") { Description = "mcts configs: plan over this learned cartpole ONNX model (e.g. a PETS iteration's models/iter-NN.onnx) instead of the random ensemble." };
        var search = new Option<int?>("--search") { Description = "mcts configs: simulations per plan instead of the config's." };
        var rollouts = new Option<int?>("--rollouts") { Description = "mcts configs: random rollouts per leaf instead of the config's." };
        var horizon = new Option<int?>("--horizon") { Description = "mcts configs: leaf rollout horizon instead of the config's." };
        var batchRounds = new Option<bool>("--batch-rounds") { Description = "mcts configs: each Gumbel round's leaves in one model call (default) or one simulation at a time.", DefaultValueFactory = _ => true };
        var minShard = new Option<int?>("--min-shard") { Description = "mcts configs: fewest candidates per shard of a leaf call (fewer run as one slice); default: what MCTS deploys." };
        foreach (Option o in new Option[] { json, threads, config, provider, fused, form, layout, shard, spin, plans, seed, model, search, rollouts, horizon, batchRounds, minShard }) cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var o = Validated(() => new PlannerBenchOptions
            {
                Config = r.GetValue(config)!, Threads = r.GetValue(threads), Fused = r.GetValue(fused), Plans = r.GetValue(plans), Seed = r.GetValue(seed), Spin = r.GetValue(spin),
                Form = r.GetValue(form) == "loop" ? Core.Onnx.Ensemble.EnsembleRolloutGraph.Form.Loop : Core.Onnx.Ensemble.EnsembleRolloutGraph.Form.Unrolled,
                Shard = r.GetValue(shard), ModelPath = r.GetValue(model),
                Search = r.GetValue(search), Rollouts = r.GetValue(rollouts), Horizon = r.GetValue(horizon), BatchRounds = r.GetValue(batchRounds), MinShardCandidates = r.GetValue(minShard),
                Layout = r.GetValue(layout) switch
                {
                    "batched" => Core.Onnx.Ensemble.EnsembleForward.Layout.Batched,
                    "per-member" => Core.Onnx.Ensemble.EnsembleForward.Layout.PerMember,
                    _ => null,
                },
                Provider = r.GetValue(provider) switch { "cuda" => ProviderPreference.Cuda, "auto" => ProviderPreference.Auto, _ => ProviderPreference.Cpu },
            }.Validate());
            using var logs = LoggerFactory.Create(b => b
                .AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddSimpleConsole(c => c.SingleLine = true)
                .AddFilter(l => l >= LogLevel.Information));
            Print(PlannerBenchmark.Run(o, logs.CreateLogger("bench")), r.GetValue(json));
            return 0;
        });
        return cmd;
    }

    private static Command PolicyCmd()
    {
        var cmd = new Command("policy", "Control tick of an MBPO-shaped policy deployment (2 x 256 policy, 5 x 4 x 200 ensemble as the gate's uncertainty veto): median/p99 and bytes per tick.");
        var json = JsonOption();
        var ticks = new Option<int>("--ticks") { Description = "Measured ticks.", DefaultValueFactory = _ => 5000 };
        var seed = new Option<int>("--seed") { Description = "Seed for the random weights and the pendulum.", DefaultValueFactory = _ => 0 };
        cmd.Options.Add(json); cmd.Options.Add(ticks); cmd.Options.Add(seed);
        cmd.SetAction(r =>
        {
            int n = r.GetValue(ticks);
            CliApp.Require(n is >= 1 and <= 10_000_000, $"--ticks must be in [1, 1e7], got {n}");
            using var logs = LoggerFactory.Create(b => b
                .AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddSimpleConsole(c => c.SingleLine = true)
                .AddFilter(l => l >= LogLevel.Warning));
            Print(PolicyBenchmark.Run(n, r.GetValue(seed), logs.CreateLogger("bench")), r.GetValue(json));
            return 0;
        });
        return cmd;
    }

    private static Command RecurrentPolicyCmd()
    {
        var cmd = new Command("recurrent-policy", "Control tick of a DreamerV3-shaped recurrent policy (paper size: deter 512 / 8 blocks, 32 x 4) with the gate on (5 x 4 x 200 ensemble as its uncertainty veto): median/p99 and bytes per tick.");
        var json = JsonOption();
        var ticks = new Option<int>("--ticks") { Description = "Measured ticks.", DefaultValueFactory = _ => 5000 };
        var seed = new Option<int>("--seed") { Description = "Seed for the random weights and the pendulum.", DefaultValueFactory = _ => 0 };
        var ensemble = new Option<bool>("--ensemble") { Description = "Add a random 5 x 4 x 200 ensemble as the gate's safety predictor." };
        cmd.Options.Add(json); cmd.Options.Add(ticks); cmd.Options.Add(seed); cmd.Options.Add(ensemble);
        cmd.SetAction(r =>
        {
            int n = r.GetValue(ticks);
            CliApp.Require(n is >= 1 and <= 10_000_000, $"--ticks must be in [1, 1e7], got {n}");
            using var logs = LoggerFactory.Create(b => b
                .AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddSimpleConsole(c => c.SingleLine = true)
                .AddFilter(l => l >= LogLevel.Warning));
            Print(RecurrentPolicyBenchmark.Run(n, r.GetValue(seed), logs.CreateLogger("bench"), r.GetValue(ensemble)), r.GetValue(json));
            return 0;
        });
        return cmd;
    }

    private static T Validated<T>(Func<T> make)
    {
        try { return make(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    private static void Print(BenchJson result, bool json)
    {
        if (json) Console.WriteLine(result.ToString());
        else
        {
            using var doc = System.Text.Json.JsonDocument.Parse(result.ToString());
            Console.WriteLine(string.Join("  ", doc.RootElement.EnumerateObject().Select(p => $"{p.Name}={p.Value}")));
        }
    }
}
