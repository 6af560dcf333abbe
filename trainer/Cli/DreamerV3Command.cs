using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Sim.Environments;
using Robotics.Trainer.Collection;
using Robotics.Trainer.DreamerV3;
using Spectre.Console;

namespace Robotics.Trainer.Cli;

/// <summary>
/// <c>robotics-train dreamerv3 --env ENV --steps N --seed S --out DIR</c>: DreamerV3 online (RSSM world model,
/// actor-critic in imagination); writes DIR/curve.csv, DIR/curve.png, DIR/imagination.png (open-loop predictions
/// against a real episode) and the deployable DIR/model/policy.onnx (kind recurrent-policy). <c>--preset small</c>
/// (default, sized for 2 cores) or <c>paper</c> (the reference's proprioceptive size: deter 512 in 8 blocks, 32 x 4).
/// </summary>
public static class DreamerV3Command
{
    public static Command Create(IAnsiConsole? console = null)
    {
        var env = new Option<string>("--env") { Description = $"simulated robot ({string.Join(", ", EnvironmentRegistry.Ids)})", Required = true };
        var steps = new Option<int>("--steps") { Description = "environment steps (seed steps included)", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<int>("--seed") { Description = "seed of everything random", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string>("--out") { Description = "output directory (new or empty)", Required = true };
        var preset = new Option<string>("--preset") { Description = "small | paper", DefaultValueFactory = _ => "small" };
        var evalEvery = new Option<int>("--eval-every") { Description = "env steps between evaluations", DefaultValueFactory = _ => 1000 };
        var evalEpisodes = new Option<int>("--eval-episodes") { Description = "evaluation episodes (deterministic policy)", DefaultValueFactory = _ => 5 };
        var seedSteps = new Option<int>("--seed-steps") { Description = "random-action steps before the first update", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "sequences per update", DefaultValueFactory = _ => 16 };
        var seqLen = new Option<int>("--seq-len") { Description = "sequence length", DefaultValueFactory = _ => 64 };
        var trainEvery = new Option<int>("--train-every") { Description = "env steps per update (1 = one update per env step)", DefaultValueFactory = _ => 1 };
        var modelLr = new Option<float?>("--model-lr") { Description = "world-model learning rate [default 1e-4]" };
        var acLr = new Option<float?>("--ac-lr") { Description = "actor and critic learning rate [default 3e-5]" };
        var reinforce = new Option<bool>("--reinforce") { Description = "REINFORCE actor gradients instead of backprop through the dynamics" };
        var threads = new Option<int>("--threads") { Description = "torch threads", DefaultValueFactory = _ => 1 };

        var cmd = new Command("dreamerv3", "DreamerV3: an RSSM world model and an actor-critic trained in imagination, exported as a recurrent ONNX policy.");
        foreach (Option o in new Option[] { env, steps, seed, outDir, preset, evalEvery, evalEpisodes, seedSteps, batch, seqLen, trainEvery, modelLr, acLr, reinforce, threads })
            cmd.Options.Add(o);
        cmd.SetAction((ParseResult parse, CancellationToken ct) => Task.FromResult(Execute(parse, ct)));
        return cmd;

        int Execute(ParseResult parse, CancellationToken ct)
        {
            string envId = parse.GetValue(env)!;
            CliApp.Require(EnvironmentRegistry.Exists(envId), $"--env: unknown environment '{envId}' (known: {string.Join(", ", EnvironmentRegistry.Ids)})");
            string dir = parse.GetValue(outDir)!;
            CliApp.Require(!string.IsNullOrWhiteSpace(dir), "--out must name a directory");
            DreamerModelOptions model = parse.GetValue(preset)!.ToLowerInvariant() switch
            {
                "small" => DreamerModelOptions.Small,
                "paper" => DreamerModelOptions.Paper,
                var p => throw new UsageException($"--preset must be small or paper, got '{p}'"),
            };
            DreamerV3Options options;
            try
            {
                var d = new DreamerV3Options { EnvId = envId, OutDir = dir };
                options = (d with
                {
                    Steps = parse.GetValue(steps), Seed = parse.GetValue(seed), Model = model, EvalEvery = parse.GetValue(evalEvery),
                    EvalEpisodes = parse.GetValue(evalEpisodes), SeedSteps = parse.GetValue(seedSteps), BatchSize = parse.GetValue(batch),
                    SequenceLength = parse.GetValue(seqLen), TrainEvery = parse.GetValue(trainEvery),
                    ModelLearningRate = parse.GetValue(modelLr) ?? d.ModelLearningRate,
                    ActorLearningRate = parse.GetValue(acLr) ?? d.ActorLearningRate, CriticLearningRate = parse.GetValue(acLr) ?? d.CriticLearningRate,
                    ActorReinforce = parse.GetValue(reinforce), Threads = parse.GetValue(threads),
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
                            var task = p.AddTask("dreamerv3", maxValue: options.Steps);
                            var report = new SyncProgress<DreamerV3Progress>(r =>
                            {
                                task.Value = r.Step;
                                string eval = r.LastEvalReturn is double v ? $", eval {v:F1}" : "";
                                task.Description = Markup.Escape(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                                    $"dreamerv3 {envId} {r.Phase} step {r.Step}{eval}, train {r.LastEpisodeReturn:F1}, model {r.ModelLoss:G3}, scale {r.ReturnScale:F1}, {r.StepsPerSecond:F1} steps/s"));
                            });
                            return new DreamerV3Loop(options, lines, report).Run(ct);
                        });
                    ui.Profile.Out.Writer.Write(lines.ToString());
                }
                else results = new DreamerV3Loop(options, Console.Out).Run(ct);
                var last = results[^1];
                Console.WriteLine($"done: {last.EnvSteps} env steps, final eval return {last.EvalReturnMean:F1}; curve in {Path.Combine(dir, "curve.csv")} and curve.png, imagination.png, policy in {Path.Combine(dir, "model", "policy.onnx")}");
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
