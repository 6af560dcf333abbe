using System.CommandLine;
using Robotics.Trainer.Mbpo;
using Spectre.Console;

namespace Robotics.Trainer.Cli;

/// <summary>
/// <c>robotics-train mbpo --env ENV --steps N --seed S --out DIR</c>: MBPO (SAC on branched rollouts of a PETS
/// ensemble, Dyna-style): DIR/curve.csv, DIR/curve.png and DIR/model (policy.onnx with ensemble.onnx beside it
/// for the gate's uncertainty veto).
/// </summary>
public static class MbpoCommand
{
    public static Command Create(IAnsiConsole? console = null)
    {
        var common = new OffPolicyCli();
        var modelHidden = new Option<int>("--model-hidden") { Description = "ensemble hidden width", DefaultValueFactory = _ => 200 };
        var modelLayers = new Option<int>("--model-layers") { Description = "ensemble hidden layers", DefaultValueFactory = _ => 4 };
        var members = new Option<int>("--members") { Description = "ensemble members", DefaultValueFactory = _ => 7 };
        var elites = new Option<int>("--elites") { Description = "ensemble elites", DefaultValueFactory = _ => 5 };
        var modelEpochs = new Option<int>("--model-epochs") { Description = "most ensemble epochs per retraining (early stopping usually ends sooner)", DefaultValueFactory = _ => 50 };
        var trainEvery = new Option<int>("--model-train-every") { Description = "env steps between ensemble retrainings", DefaultValueFactory = _ => 250 };
        var rollouts = new Option<int>("--rollouts") { Description = "model rollouts per env step", DefaultValueFactory = _ => 400 };
        var rolloutEvery = new Option<int>("--rollout-every") { Description = "env steps between rollout batches", DefaultValueFactory = _ => 50 };
        var schedule = new Option<int[]>("--rollout-schedule") { Description = "e0 e1 k0 k1: k0 until env step e0, rising to k1 at e1", DefaultValueFactory = _ => [500, 2500, 1, 5], AllowMultipleArgumentsPerToken = true };
        var retain = new Option<int>("--retain-steps") { Description = "env steps of rollouts the model buffer keeps", DefaultValueFactory = _ => 1000 };
        var realRatio = new Option<double>("--real-ratio") { Description = "share of real transitions in each SAC batch", DefaultValueFactory = _ => 0.05 };
        var stop = new Option<double?>("--stop-disagreement") { Description = "stop a branch where disagreement exceeds this x the ensemble's p99 [default: off]" };
        var cmd = new Command("mbpo", "MBPO: SAC on short branched rollouts of a PETS ensemble; the policy exported to ONNX with its ensemble for the safety gate.");
        common.AddTo(cmd);
        foreach (Option o in new Option[] { modelHidden, modelLayers, members, elites, modelEpochs, trainEvery, rollouts, rolloutEvery, schedule, retain, realRatio, stop }) cmd.Options.Add(o);
        cmd.SetAction((ParseResult parse, CancellationToken ct) =>
        {
            var run = common.Read(parse, "mbpo", defaultSeedSteps: 400, defaultUpdates: 20);
            int[] s = parse.GetValue(schedule)!;
            if (s.Length != 4) throw new Robotics.Core.Cli.UsageException($"--rollout-schedule needs 4 numbers (e0 e1 k0 k1), got {s.Length}");
            var o = OffPolicyCli.Validated(() =>
            {
                var d = new MbpoOptions { Run = run };
                return (d with
                {
                    Ensemble = d.Ensemble with
                    {
                        HiddenUnits = parse.GetValue(modelHidden), HiddenLayers = parse.GetValue(modelLayers), Members = parse.GetValue(members),
                        Elites = parse.GetValue(elites), Epochs = parse.GetValue(modelEpochs),
                    },
                    ModelTrainEvery = parse.GetValue(trainEvery), RolloutsPerStep = parse.GetValue(rollouts), RolloutEvery = parse.GetValue(rolloutEvery),
                    Schedule = new RolloutSchedule(s[0], s[1], s[2], s[3]), RetainSteps = parse.GetValue(retain), RealRatio = parse.GetValue(realRatio),
                    StopDisagreementFactor = parse.GetValue(stop),
                }).Validate();
            });
            return Task.FromResult(OffPolicyCli.Execute("mbpo", run, console, (log, progress) => new MbpoLoop(o, log, progress).Run(ct)));
        });
        return cmd;
    }
}
