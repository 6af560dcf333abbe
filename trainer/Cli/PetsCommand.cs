using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Mcts;
using Robotics.Sim.Environments;
using Robotics.Trainer.Pets;

namespace Robotics.Trainer.Cli;

/// <summary>
/// <c>robotics-train pets --env pendulum --iterations N --seed S --out DIR</c>: the PETS loop through the
/// deployment path (ONNX + the runtime's planner); writes DIR/curve.csv, DIR/curve.png, DIR/data and DIR/models.
/// Starts from <see cref="PetsPresets"/> for the environment; flags override.
/// </summary>
public static class PetsCommand
{
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = $"simulated robot ({string.Join(", ", EnvironmentRegistry.Ids)})", Required = true };
        var iterations = new Option<int>("--iterations") { Description = "train -> export -> MPC episode iterations", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "seed of data collection, training and planning", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string>("--out") { Description = "output directory (must not already hold data)", Required = true };
        var evalEpisodes = new Option<int>("--eval-episodes") { Description = "evaluation episodes after each iteration", DefaultValueFactory = _ => 5 };
        var planner = new Option<string>("--planner") { Description = "cem | mppi | icem | mcts (tree search over the discrete --discrete-actions grid)", DefaultValueFactory = _ => "cem" };
        var horizon = new Option<int?>("--horizon") { Description = "planning horizon [default: 15; cartpole-swingup 50]" };
        var population = new Option<int?>("--population") { Description = "planner population (MPPI samples) [default: 200; cartpole-swingup 400]" };
        var planIterations = new Option<int>("--plan-iterations") { Description = "planner iterations per step", DefaultValueFactory = _ => 3 };
        var hidden = new Option<int?>("--hidden") { Description = "hidden units per layer [default: 64; reacher2d 200]" };
        var layers = new Option<int>("--layers") { Description = "hidden layers", DefaultValueFactory = _ => 3 };
        var members = new Option<int>("--members") { Description = "ensemble members", DefaultValueFactory = _ => 5 };
        var elites = new Option<int>("--elites") { Description = "elite members exported", DefaultValueFactory = _ => 3 };
        var steps = new Option<int>("--min-steps") { Description = "minimum Adam steps per training", DefaultValueFactory = _ => 1500 };
        var lambda = new Option<float>("--uncertainty-lambda") { Description = "planner cost weight on ensemble disagreement D (0: off)", DefaultValueFactory = _ => 0f };
        var bonus = new Option<float>("--exploration-bonus") { Description = "collection episodes plan with cost - beta x D (ensemble disagreement), evaluation without (0: off)", DefaultValueFactory = _ => 0f };
        var threads = new Option<int>("--threads") { Description = "torch and ONNX Runtime threads", DefaultValueFactory = _ => 1 };
        var search = new Option<int?>("--search") { Description = "mcts: simulations per step [default: 32]" };
        var discreteActions = new Option<int?>("--discrete-actions") { Description = "mcts: values per action dimension, evenly spaced over the box [default: 2 = cartpole's pushes; 5 on pendulum = -2,-1,0,1,2]" };
        var rollouts = new Option<int?>("--rollouts") { Description = "mcts: random rollouts of --horizon steps per leaf value [default: 4; cartpole 8]" };
        var mctsRoot = new Option<string>("--mcts-root") { Description = "mcts: gumbel (sequential halving) | puct", DefaultValueFactory = _ => "gumbel" };
        var discount = new Option<float?>("--discount") { Description = "mcts: discount of the searched returns [default: 0.99]" };

        var cmd = new Command("pets", "PETS: learn an ensemble world model and control with MPC through ONNX, iteratively.");
        foreach (Option o in new Option[] { env, iterations, seed, outDir, evalEpisodes, planner, horizon, population, planIterations, hidden, layers, members, elites, steps, lambda, bonus, threads,
                                            search, discreteActions, rollouts, mctsRoot, discount })
            cmd.Options.Add(o);
        cmd.SetAction(async (parse, ct) =>
        {
            string envId = parse.GetValue(env)!;
            CliApp.Require(EnvironmentRegistry.Exists(envId), $"--env: unknown environment '{envId}' (known: {string.Join(", ", EnvironmentRegistry.Ids)})");
            PlannerKind kind = parse.GetValue(planner)!.ToLowerInvariant() switch
            {
                "cem" => PlannerKind.Cem,
                "mppi" => PlannerKind.Mppi,
                "icem" => PlannerKind.Icem,
                "mcts" => PlannerKind.Mcts,
                var p => throw new UsageException($"--planner must be cem, mppi, icem or mcts, got '{p}'"),
            };
            string dir = parse.GetValue(outDir)!;
            PetsOptions options;
            try
            {
                var defaults = PetsPresets.For(envId, dir);
                int t = parse.GetValue(threads);
                options = (defaults with
                {
                    Iterations = parse.GetValue(iterations), Seed = parse.GetValue(seed), EvalEpisodes = parse.GetValue(evalEpisodes),
                    Planner = kind, PlannerThreads = t, MinGradientSteps = parse.GetValue(steps), UncertaintyLambda = parse.GetValue(lambda), ExplorationBonus = parse.GetValue(bonus),
                    Budget = defaults.Budget with
                    {
                        Horizon = parse.GetValue(horizon) ?? defaults.Budget.Horizon, Population = parse.GetValue(population) ?? defaults.Budget.Population,
                        Iterations = parse.GetValue(planIterations),
                        Mcts = defaults.Budget.Mcts with
                        {
                            Simulations = parse.GetValue(search) ?? defaults.Budget.Mcts.Simulations,
                            DiscreteActions = parse.GetValue(discreteActions) ?? defaults.Budget.Mcts.DiscreteActions,
                            Rollouts = parse.GetValue(rollouts) ?? defaults.Budget.Mcts.Rollouts,
                            Discount = parse.GetValue(discount) ?? defaults.Budget.Mcts.Discount,
                            Root = parse.GetValue(mctsRoot)!.ToLowerInvariant() switch
                            {
                                "gumbel" => MctsRootSelection.Gumbel,
                                "puct" => MctsRootSelection.Puct,
                                var r => throw new UsageException($"--mcts-root must be gumbel or puct, got '{r}'"),
                            },
                        },
                    },
                    Ensemble = defaults.Ensemble with
                    {
                        HiddenUnits = parse.GetValue(hidden) ?? defaults.Ensemble.HiddenUnits, HiddenLayers = parse.GetValue(layers),
                        Members = parse.GetValue(members), Elites = parse.GetValue(elites), Threads = t,
                    },
                }).Validate();
                options.Budget.Mcts.Validate();   // the mcts flags are checked whichever planner runs: a typo is never silent
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            try { Directory.CreateDirectory(dir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UsageException($"--out: cannot create '{dir}': {e.Message}"); }
            if (Directory.Exists(Path.Combine(dir, "data")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "data")).Any())
                throw new UsageException($"--out: '{dir}' already holds data; choose an empty directory");

            var results = await new PetsLoop(options, TimeProvider.System, Console.Out).RunAsync(ct);
            var last = results[^1];
            Console.WriteLine($"done: {results.Count} iterations, {last.EnvSteps} env steps, final eval return {last.EvalReturnMean:F1}; curve in {Path.Combine(dir, "curve.csv")} and curve.png");
            return CliApp.ExitOk;
        });
        return cmd;
    }
}
