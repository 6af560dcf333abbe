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
        var common = new TrainingRunCli(defaultSteps: 10_000, defaultEvalEvery: 1000);
        var preset = new Option<string>("--preset") { Description = "small | size1 | reference", DefaultValueFactory = _ => "small" };
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

        var cmd = new Command("tdmpc2", "TD-MPC2: a latent world model with MPPI over learned reward and value, exported to ONNX.");
        common.AddTo(cmd);
        foreach (Option o in new Option[] { preset, seedSteps, samples, policySamples, iterations, elites, latent, mlp, enc, batch, evalPlanner })
            cmd.Options.Add(o);
        common.AddThreadsTo(cmd);
        cmd.SetAction((ParseResult parse, CancellationToken ct) => Task.FromResult(Execute(parse, ct)));
        return cmd;

        int Execute(ParseResult parse, CancellationToken ct)
        {
            var (envId, dir) = common.ReadTarget(parse);
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
            var options = TrainingRunCli.Validated(() =>
            {
                var d = new TdMpc2Options { EnvId = envId, OutDir = dir };
                return (d with
                {
                    Steps = parse.GetValue(common.Steps), Seed = parse.GetValue(common.Seed), EvalEvery = parse.GetValue(common.EvalEvery),
                    EvalEpisodes = parse.GetValue(common.EvalEpisodes), EvalThroughRuntime = evalRuntime, SeedSteps = parse.GetValue(seedSteps), Threads = parse.GetValue(common.Threads),
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
            });
            return TrainingRunCli.Execute("tdmpc2", dir, options.Steps, console, (TdMpc2Progress r) => r.Step,
                r => $"tdmpc2 {envId} {r.Phase}{(r.LastEvalReturn is double v ? $", eval {v:F1}" : "")}",
                (log, progress) => new TdMpc2Loop(options, log, progress).Run(ct), $"model in {Path.Combine(dir, "model")}");
        }
    }
}
