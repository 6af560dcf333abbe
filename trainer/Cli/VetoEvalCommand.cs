using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Core.Models;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Planning;
using Robotics.Trainer.Collection;
using Robotics.Trainer.Pets;
using Robotics.Trainer.Safety;

namespace Robotics.Trainer.Cli;

/// <summary>
/// `robotics-train veto-eval --model M --training-data DIR --out OUT [--seeds 0,1,2]`: the uncertainty veto on the
/// deployed controller's own episodes (issue 19; <see cref="VetoEvaluation"/>). Writes OUT/veto-eval.csv and one
/// re-calibrated model per seed. Exit 0 when every seed holds false vetoes &lt;= the bound (--false-veto-bound) of ticks and
/// >= 95% of OOD probes vetoed, else 1.
/// </summary>
public static class VetoEvalCommand
{
    public const double OodTarget = 0.95;

    public static Command Create()
    {
        var d = new VetoEvalOptions { ModelPath = "-", TrainingDataDir = "-", OutDir = "-" };
        var model = new Option<string>("--model") { Description = "Trained ensemble model (.onnx), e.g. a PETS run's models/iter-NN.onnx.", Required = true };
        var training = new Option<string>("--training-data") { Description = "The folder it was trained from (PETS: RUN/data).", Required = true };
        var output = new Option<string>("--out") { Description = "New or empty folder for the CSV, the recorded episodes and the re-calibrated models.", Required = true };
        var seeds = new Option<string>("--seeds") { Description = "Seeds, comma-separated (each: its own calibration and evaluation start states).", DefaultValueFactory = _ => "0,1,2" };
        var calib = new Option<int>("--calibration-episodes") { Description = "Controller episodes per seed recorded for calibration.", DefaultValueFactory = _ => d.CalibrationEpisodes };
        var calibTicks = new Option<int>("--calibration-ticks") { Description = "Instead of --calibration-episodes: whole calibration episodes until they hold at least this many ticks (0: off).", DefaultValueFactory = _ => 0 };
        var gatedRounds = new Option<int>("--gated-rounds") { Description = "Closed-loop calibration: rounds of calibration episodes gated at the latest threshold, until one vetoes at most --false-veto-rate of its ticks (0: calibrate on the unvetoed round alone).", DefaultValueFactory = _ => d.GatedRounds };
        var vetoCandidate = Robotics.Runtime.Cli.VetoCandidateOption.Create();
        var calibGate = new Option<string>("--calibration-gate") { Description = "Gate of the calibration episodes: no-veto (the controller's own trajectories, which a vetoing gate follows until its first veto) | safety (under the card's threshold).", DefaultValueFactory = _ => "no-veto" };
        var eval = new Option<int>("--eval-episodes") { Description = "Controller episodes per seed (other start states) on which false vetoes are counted.", DefaultValueFactory = _ => d.EvalEpisodes };
        var rate = new Option<double>("--false-veto-rate") { Description = "Target false-veto rate (of ticks, hysteresis replayed) the threshold is calibrated at.", DefaultValueFactory = _ => d.FalseVetoRate };
        var bound = new Option<double>("--false-veto-bound") { Description = "Bound the measured false-veto rate of ticks is judged against (exit code).", DefaultValueFactory = _ => d.FalseVetoBound };
        var perTransition = new Option<bool>("--per-transition") { Description = "Calibrate per transition (split-conformal), not on ticks with the hysteresis." };
        var oodStates = new Option<int>("--ood-states") { Description = "Out-of-distribution probe states per seed.", DefaultValueFactory = _ => d.OodStates };
        var perState = new Option<int>("--actions-per-state") { Description = "Random actions per probe state.", DefaultValueFactory = _ => d.ActionsPerState };
        var margin = new Option<double>("--ood-margin") { Description = "OOD velocities start this fraction of the bound beyond the training range.", DefaultValueFactory = _ => d.OodMargin };
        var planner = new Option<string>("--planner") { Description = "cem | mppi | icem | mcts (the deployed controller; mcts searches the pets preset's discrete actions: cartpole's two pushes)", DefaultValueFactory = _ => "cem" };
        var horizon = new Option<int?>("--horizon") { Description = "Planning horizon (default: the robot's pets preset)." };
        var population = new Option<int?>("--population") { Description = "Candidates per iteration (default: the robot's pets preset)." };
        var iterations = new Option<int?>("--iterations") { Description = "Optimiser iterations (default: the robot's pets preset)." };
        var threads = new Option<int>("--threads") { Description = "Planner model threads.", DefaultValueFactory = _ => 1 };

        var command = new Command("veto-eval", "Measure the uncertainty veto on the deployed controller's own episodes: calibrate, count false vetoes, probe OOD states.");
        foreach (Option o in new Option[] { model, training, output, seeds, calib, calibTicks, calibGate, gatedRounds, vetoCandidate, eval, rate, bound, perTransition, oodStates, perState, margin, planner, horizon, population, iterations, threads })
            command.Options.Add(o);
        command.SetAction((parse, ct) => Run(parse, ct));
        return command;

        async Task<int> Run(ParseResult parse, CancellationToken ct)
        {
            string modelPath = parse.GetValue(model)!;
            CliApp.Require(File.Exists(modelPath), $"--model: file '{modelPath}' does not exist");
            ModelFile file;
            try { file = ModelFile.Read(modelPath); }
            catch (InvalidDataException e) { throw new UsageException($"--model '{modelPath}': {e.Message}"); }
            var preset = PetsPresets.For(file.Card.EnvId, "-");
            var budget = preset.Budget with
            {
                Horizon = parse.GetValue(horizon) ?? preset.Budget.Horizon,
                Population = parse.GetValue(population) ?? preset.Budget.Population,
                Iterations = parse.GetValue(iterations) ?? preset.Budget.Iterations,
            };
            VetoEvalOptions options;
            try
            {
                options = new VetoEvalOptions
                {
                    ModelPath = modelPath, TrainingDataDir = parse.GetValue(training)!, OutDir = parse.GetValue(output)!,
                    Seeds = ParseSeeds(parse.GetValue(seeds)!), CalibrationEpisodes = parse.GetValue(calib), CalibrationTicks = parse.GetValue(calibTicks), GatedRounds = parse.GetValue(gatedRounds), EvalEpisodes = parse.GetValue(eval),
                    FalseVetoRate = parse.GetValue(rate), FalseVetoBound = parse.GetValue(bound), PerTransition = parse.GetValue(perTransition), OodStates = parse.GetValue(oodStates), ActionsPerState = parse.GetValue(perState),
                    OodMargin = parse.GetValue(margin),
                    VetoFallback = Robotics.Runtime.Cli.VetoCandidateOption.Parse(parse.GetValue(vetoCandidate)!),
                    CalibrationGate = parse.GetValue(calibGate)!.ToLowerInvariant() switch
                    {
                        "no-veto" => Robotics.Runtime.Session.GateKind.NoVeto, "safety" => Robotics.Runtime.Session.GateKind.Safety,
                        var g => throw new UsageException($"--calibration-gate must be no-veto or safety, got '{g}'"),
                    },
                    Controller = new ControllerOptions
                    {
                        Planner = ParsePlanner(parse.GetValue(planner)!), Budget = budget, Threads = parse.GetValue(threads),
                        Provider = Robotics.Runtime.Models.ProviderPreference.Cpu,
                    },
                }.Validate();
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            var outDir = OutputDirectory.ClaimEmpty(options.OutDir, "--out");
            try
            {
                var (range, rows) = await VetoEvaluation.RunAsync(options, Console.Out, ct).ConfigureAwait(false);
                string csv = Path.Combine(outDir.Path, "veto-eval.csv");
                var inv = CultureInfo.InvariantCulture;
                var lines = new List<string> { "robot,seed,training_range,threshold_method,target_rate,calibration_transitions,training_held_out,threshold_before,threshold,calibration_replay_rate,eval_ticks,uncertainty_vetoes,false_veto_rate,eval_replay_rate,replaced,score_rate,score_rate_before,ood_samples,ood_vetoed,ood_rate,eval_return,calibration_rounds,verified" };
                lines.AddRange(rows.Select(r => string.Create(inv,
                    $"{r.Robot},{r.Seed},\"{range.Describe()}\",{r.ThresholdMethod},{options.FalseVetoRate},{r.CalibrationTransitions},{r.TrainingHeldOut},{r.ThresholdBefore:G6},{r.Threshold:G6},{r.CalibrationReplayRate:F5},{r.EvalTicks},{r.UncertaintyVetoes},{r.FalseVetoRate:F5},{r.EvalReplayRate:F5},{r.Replaced},{r.ScoreRate:F5},{r.ScoreRateBefore:F5},{r.Ood.Samples},{r.Ood.Vetoed},{r.Ood.Rate:F5},{r.EvalReturn:F2},{r.CalibrationRounds.Count},{r.Verified}")));
                File.WriteAllLines(csv, lines);
                var episodeLines = new List<string> { "robot,seed,episode,ticks,uncertainty_vetoes,judged_u_median,judged_u_max,threshold,return,start_obs" };
                episodeLines.AddRange(rows.SelectMany(r => r.Episodes.Select(e => string.Create(inv,
                    $"{r.Robot},{r.Seed},{e.Index},{e.Ticks},{e.UncertaintyVetoes},{e.MedianU:G4},{e.MaxU:G4},{r.Threshold:G6},{e.Return:F2},\"{string.Join(" ", e.StartObs.Select(v => v.ToString("G4", inv)))}\""))));
                File.WriteAllLines(Path.Combine(outDir.Path, "veto-eval-episodes.csv"), episodeLines);
                bool met = rows.All(r => r.FalseVetoRate <= options.FalseVetoBound && r.Ood.Rate >= OodTarget);
                Console.WriteLine(string.Create(inv,
                    $"{range.Robot}: false vetoes {rows.Sum(r => r.UncertaintyVetoes)}/{rows.Sum(r => r.EvalTicks)} = {rows.Sum(r => r.UncertaintyVetoes) / (double)Math.Max(1, rows.Sum(r => r.EvalTicks)):P2} of ticks " +
                    $"(worst seed {rows.Max(r => r.FalseVetoRate):P2}, bound <= {options.FalseVetoBound:P1}, calibrated at {options.FalseVetoRate:P2}); OOD vetoed {rows.Min(r => r.Ood.Rate):P2} worst seed (target >= {OodTarget:P0}): {(met ? "met" : "not met")}"));
                Console.WriteLine($"wrote {csv}");
                return met ? CliApp.ExitOk : CliApp.ExitFailure;
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or ArgumentException)
            {
                outDir.Rollback([]);
                throw new UsageException(e.Message);
            }
            catch
            {
                outDir.Rollback([]);
                throw;
            }
        }
    }

    private static int[] ParseSeeds(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new UsageException($"--seeds: '{s}' is not an integer"))
        .ToArray();

    private static PlannerKind ParsePlanner(string s) => s.ToLowerInvariant() switch
    {
        "cem" => PlannerKind.Cem,
        "mppi" => PlannerKind.Mppi,
        "icem" => PlannerKind.Icem,
        "mcts" => PlannerKind.Mcts,
        _ => throw new UsageException($"--planner must be cem, mppi, icem or mcts, got '{s}'"),
    };
}
