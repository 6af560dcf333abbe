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
        var common = new TrainingRunCli(defaultSteps: 20_000, defaultEvalEvery: 1000);
        var preset = new Option<string>("--preset") { Description = "small | paper", DefaultValueFactory = _ => "small" };
        var seedSteps = new Option<int>("--seed-steps") { Description = "random-action steps before the first update", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "sequences per update", DefaultValueFactory = _ => 16 };
        var seqLen = new Option<int>("--seq-len") { Description = "sequence length", DefaultValueFactory = _ => 64 };
        var trainEvery = new Option<int>("--train-every") { Description = "env steps per update (1 = one update per env step)", DefaultValueFactory = _ => 1 };
        var modelLr = new Option<float?>("--model-lr") { Description = "world-model learning rate [default 1e-4]" };
        var acLr = new Option<float?>("--ac-lr") { Description = "actor and critic learning rate [default 3e-5]" };
        var reinforce = new Option<bool>("--reinforce") { Description = "REINFORCE actor gradients instead of backprop through the dynamics" };

        var cmd = new Command("dreamerv3", "DreamerV3: an RSSM world model and an actor-critic trained in imagination, exported as a recurrent ONNX policy.");
        common.AddTo(cmd);
        foreach (Option o in new Option[] { preset, seedSteps, batch, seqLen, trainEvery, modelLr, acLr, reinforce })
            cmd.Options.Add(o);
        common.AddThreadsTo(cmd);
        cmd.SetAction((ParseResult parse, CancellationToken ct) => Task.FromResult(Execute(parse, ct)));
        return cmd;

        int Execute(ParseResult parse, CancellationToken ct)
        {
            var (envId, dir) = common.ReadTarget(parse);
            DreamerModelOptions model = parse.GetValue(preset)!.ToLowerInvariant() switch
            {
                "small" => DreamerModelOptions.Small,
                "paper" => DreamerModelOptions.Paper,
                var p => throw new UsageException($"--preset must be small or paper, got '{p}'"),
            };
            var options = TrainingRunCli.Validated(() =>
            {
                var d = new DreamerV3Options { EnvId = envId, OutDir = dir };
                return (d with
                {
                    Steps = parse.GetValue(common.Steps), Seed = parse.GetValue(common.Seed), Model = model, EvalEvery = parse.GetValue(common.EvalEvery),
                    EvalEpisodes = parse.GetValue(common.EvalEpisodes), SeedSteps = parse.GetValue(seedSteps), BatchSize = parse.GetValue(batch),
                    SequenceLength = parse.GetValue(seqLen), TrainEvery = parse.GetValue(trainEvery),
                    ModelLearningRate = parse.GetValue(modelLr) ?? d.ModelLearningRate,
                    ActorLearningRate = parse.GetValue(acLr) ?? d.ActorLearningRate, CriticLearningRate = parse.GetValue(acLr) ?? d.CriticLearningRate,
                    ActorReinforce = parse.GetValue(reinforce), Threads = parse.GetValue(common.Threads),
                }).Validate();
            });
            return TrainingRunCli.Execute("dreamerv3", dir, options.Steps, console, (DreamerV3Progress r) => r.Step,
                r => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"dreamerv3 {envId} {r.Phase} step {r.Step}{(r.LastEvalReturn is double v ? $", eval {v:F1}" : "")}, train {r.LastEpisodeReturn:F1}, model {r.ModelLoss:G3}, scale {r.ReturnScale:F1}, {r.StepsPerSecond:F1} steps/s"),
                (log, progress) => new DreamerV3Loop(options, log, progress).Run(ct),
                $"imagination.png, policy in {Path.Combine(dir, "model", "policy.onnx")}");
        }
    }
}
