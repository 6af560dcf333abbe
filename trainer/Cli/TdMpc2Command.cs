using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Trainer.Collection;
using Robotics.Runtime.Controllers.LatentMpc;
using Robotics.Sim.Environments;
using Robotics.Trainer.TdMpc2;
using Spectre.Console;

namespace Robotics.Trainer.Cli;

/// <summary>
/// <c>robotics-train tdmpc2 --env ENV --steps N --seed S --out DIR</c>: TD-MPC2 online (TorchSharp world
/// model, MPPI in its latent space); writes DIR/curve.csv, DIR/curve.png and the deployable DIR/model.
/// <c>--preset small</c> (default: the 2-core model and planner budget) or <c>size1</c> / <c>reference</c>
/// (the paper's size-1 model; reference adds the full 6 x 512 planner); flags override.
/// </summary>
public static class TdMpc2Command
{
    public static Command Create(IAnsiConsole? console = null)
    {
        var env = new Option<string>("--env") { Description = $"simulated robot ({string.Join(", ", EnvironmentRegistry.Ids)})", Required = true };
        var steps = new Option<int>("--steps") { Description = "environment steps (seed steps included)", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "seed of everything random", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string>("--out") { Description = "output directory (new or empty)", Required = true };
        var preset = new Option<string>("--preset") { Description = "small | size1 | reference", DefaultValueFactory = _ => "small" };
        var evalEvery = new Option<int>("--eval-every") { Description = "env steps between evaluations", DefaultValueFactory = _ => 1000 };
        var evalEpisodes = new Option<int>("--eval-episodes") { Description = "evaluation episodes", DefaultValueFactory = _ => 5 };
        var seedSteps = new Option<int?>("--seed-steps") { Description = "random-action steps first [default: max(1000, 5 x episode length)]" };
        var samples = new Option<int?>("--samples") { Description = "MPPI samples per iteration" };
        var policySamples = new Option<int?>("--policy-samples") { Description = "MPPI samples from the policy prior" };
        var iterations = new Option<int?>("--plan-iterations") { Description = "MPPI iterations" };
        var elites = new Option<int?>("--elites") { Description = "MPPI elites" };
        var latent = new Option<int?>("--latent") { Description = "latent size (multiple of 8)" };
        var mlp = new Option<int?>("--mlp") { Description = "hidden width of dynamics, reward, Q and policy" };
        var enc = new Option<int?>("--enc") { Description = "hidden width of the encoder" };
        var batch = new Option<int?>("--batch") { Description = "update batch size [default: small 128, else 256]" };
        var evalPlanner = new Option<string>("--eval-planner") { Description = "runtime (ONNX export, the deployment path) | trainer (TorchSharp)", DefaultValueFactory = _ => "runtime" };
        var threads = new Option<int>("--threads") { Description = "torch threads", DefaultValueFactory = _ => 1 };

        var cmd = new Command("tdmpc2", "TD-MPC2: a latent world model with MPPI over learned reward and value, exported to ONNX.");
        foreach (Option o in new Option[] { env, steps, seed, outDir, preset, evalEvery, evalEpisodes, seedSteps, samples, policySamples, iterations, elites, latent, mlp, enc, batch, evalPlanner, threads })
            cmd.Options.Add(o);
        cmd.SetAction((ParseResult parse, CancellationToken ct) => Task.FromResult(Execute(parse, ct)));
        return cmd;

        int Execute(ParseResult parse, CancellationToken ct)
        {
            string envId = parse.GetValue(env)!;
            CliApp.Require(EnvironmentRegistry.Exists(envId), $"--env: unknown environment '{envId}' (known: {string.Join(", ", EnvironmentRegistry.Ids)})");
            string dir = parse.GetValue(outDir)!;
            CliApp.Require(!string.IsNullOrWhiteSpace(dir), "--out must name a directory");
            var (model, planner) = parse.GetValue(preset)!.ToLowerInvariant() switch
            {
                "small" => (TdMpc2ModelOptions.Small, LatentMppiOptions.Small),
                "size1" => (TdMpc2ModelOptions.Size1, LatentMppiOptions.Small),
                "reference" => (TdMpc2ModelOptions.Size1, new LatentMppiOptions()),
                var p => throw new UsageException($"--preset must be small, size1 or reference, got '{p}'"),
            };
            bool evalRuntime = parse.GetValue(evalPlanner)!.ToLowerInvariant() switch
            {
                "runtime" => true,
                "trainer" => false,
                var p => throw new UsageException($"--eval-planner must be runtime or trainer, got '{p}'"),
            };
            TdMpc2Options options;
            try
            {
                var d = new TdMpc2Options { EnvId = envId, OutDir = dir };
                options = (d with
                {
                    Steps = parse.GetValue(steps), Seed = parse.GetValue(seed), EvalEvery = parse.GetValue(evalEvery),
                    EvalEpisodes = parse.GetValue(evalEpisodes), EvalThroughRuntime = evalRuntime, SeedSteps = parse.GetValue(seedSteps), Threads = parse.GetValue(threads),
                    BatchSize = parse.GetValue(batch) ?? (parse.GetValue(preset)!.Equals("small", StringComparison.OrdinalIgnoreCase) ? 128 : d.BatchSize),
                    Model = model with
                    {
                        LatentDim = parse.GetValue(latent) ?? model.LatentDim, MlpDim = parse.GetValue(mlp) ?? model.MlpDim,
                        EncoderDim = parse.GetValue(enc) ?? model.EncoderDim,
                    },
                    Planner = planner with
                    {
                        Samples = parse.GetValue(samples) ?? planner.Samples, PolicySamples = parse.GetValue(policySamples) ?? planner.PolicySamples,
                        Iterations = parse.GetValue(iterations) ?? planner.Iterations, Elites = parse.GetValue(elites) ?? planner.Elites,
                    },
                }).Validate();
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            var output = OutputDirectory.ClaimEmpty(dir, "--out");

            IAnsiConsole ui = console ?? AnsiConsole.Console;
            try
            {
                IReadOnlyList<Pets.PetsIterationResult> results;
                if (ui.Profile.Capabilities.Interactive)
                {
                    var lines = new StringWriter();
                    results = ui.Progress().AutoClear(false)
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                        .Start(p =>
                        {
                            var task = p.AddTask("tdmpc2", maxValue: options.Steps);
                            var report = new SyncProgress<TdMpc2Progress>(r =>
                            {
                                task.Value = r.Step;
                                string eval = r.LastEvalReturn is double v ? $", eval {v:F1}" : "";
                                task.Description = Markup.Escape($"tdmpc2 {envId} {r.Phase}{eval}");
                            });
                            return new TdMpc2Loop(options, lines, report).Run(ct);
                        });
                    ui.Profile.Out.Writer.Write(lines.ToString());
                }
                else
                {
                    results = new TdMpc2Loop(options, Console.Out).Run(ct);
                }
                var last = results[^1];
                Console.WriteLine($"done: {last.EnvSteps} env steps, final eval return {last.EvalReturnMean:F1}; curve in {Path.Combine(dir, "curve.csv")} and curve.png, model in {Path.Combine(dir, "model")}");
                return CliApp.ExitOk;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                output.Rollback([]);
                throw;
            }
        }
    }
}
