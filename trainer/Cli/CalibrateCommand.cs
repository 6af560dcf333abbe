using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Core.Models;
using Robotics.Trainer.Safety;

namespace Robotics.Trainer.Cli;

/// <summary>
/// `robotics-train calibrate --model M --data DIR [--data DIR2] [--training-data TRAIN] [--measure total-std]
/// [--false-veto-rate 0.01] [--exit-fraction 0.9 --min-veto-ticks 2 | --per-transition] [--out M2]`: re-calibrates the
/// uncertainty veto of an existing model on new Parquet episodes, pooled with the rows training held out of TRAIN: the
/// threshold at which the share of ticks the gate would veto (its hysteresis replayed over the judged proposals) meets
/// the target rate, or with --per-transition the split-conformal threshold on single transitions; written into the
/// card's uncertainty section (see UncertaintyRecalibration). --measure first rebuilds the step graph with
/// that disagreement measure (how a model exported before issue 19 moves to total-std). Without --out the model file
/// is rewritten in place.
/// </summary>
public static class CalibrateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file (.onnx) whose card to re-calibrate.", Required = true };
        var data = new Option<string[]>("--data") { Description = "Folder(s) of Parquet episodes the model was not trained on.", Required = true, AllowMultipleArgumentsPerToken = false };
        var rate = new Option<double>("--false-veto-rate") { Description = "Share of in-distribution transitions the veto may refuse.", DefaultValueFactory = _ => ConformalThreshold.DefaultFalseVetoRate };
        var output = new Option<string?>("--out") { Description = "Where to write the re-calibrated model (default: in place)." };
        var training = new Option<string?>("--training-data") { Description = "The folder the model was trained from: the rows training held out join the calibration set." };
        var measure = new Option<string?>("--measure") { Description = $"Rebuild the step graph with this disagreement measure first ({string.Join(", ", DisagreementMeasures.Names)})." };
        var defaults = new Robotics.Safety.Checks.UncertaintyVetoOptions();
        var exit = new Option<double>("--exit-fraction") { Description = "The gate's hysteresis exit fraction the tick rate is calibrated under.", DefaultValueFactory = _ => defaults.ExitFraction };
        var minTicks = new Option<int>("--min-veto-ticks") { Description = "The gate's minimum veto length (ticks) the tick rate is calibrated under.", DefaultValueFactory = _ => defaults.MinVetoTicks };
        var perTransition = new Option<bool>("--per-transition") { Description = "Calibrate the rate of single transitions (split-conformal), not of ticks with the hysteresis." };
        var command = new Command("calibrate", "Re-calibrate a model's uncertainty veto threshold on new episodes (conformal, on the gate's ticks).");
        foreach (Option o in new Option[] { model, data, rate, output, training, measure, exit, minTicks, perTransition }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            RecalibrationOptions options;
            try
            {
                string? m = parse.GetValue(measure);
                options = new RecalibrationOptions(parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(rate), parse.GetValue(output),
                                                   parse.GetValue(training), m is null ? null : DisagreementMeasures.Parse(m),
                                                   new Robotics.Safety.Checks.UncertaintyVetoOptions(1, parse.GetValue(exit), parse.GetValue(minTicks)),
                                                   parse.GetValue(perTransition)).Validate();
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            RecalibrationResult r;
            try { r = UncertaintyRecalibration.Run(options); }
            catch (Exception e) when (e is InvalidDataException or FileNotFoundException or ArgumentException) { throw new UsageException(e.Message); }
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Format(inv, "calibrated on {0} transitions ({5} held out of the training data): threshold {1:G4} ({2} at false-veto rate {3}, measure {6}), was {4}",
                r.After.CalibrationTransitions, r.After.Threshold, r.After.ThresholdMethod, r.After.TargetFalseVetoRate,
                r.Before is null ? "none" : r.Before.VetoThreshold.ToString("G4", inv), r.TrainingHeldOut, r.Measure));
            if (r.Ticks is { } t)
            {
                long recommended = Robotics.Safety.Checks.UncertaintyVetoCalibration.RecommendedTicks(options.FalseVetoRate, options.VetoHysteresis);
                if (t.Ticks < recommended)
                    Console.WriteLine(string.Format(inv, "note: {0} calibration ticks hold fewer than {1} minimum-length vetoes at this rate; {2} or more ticks give a threshold that varies less with the episodes drawn",
                        t.Ticks, Robotics.Safety.Checks.UncertaintyVetoCalibration.RecommendedBursts, recommended));
                Console.WriteLine(string.Format(inv, "replayed with the hysteresis (exit {0}, at least {1} ticks): {2} of {3} calibration ticks vetoed ({4:P2})",
                    r.After.Hysteresis!.ExitFraction, r.After.Hysteresis.MinVetoTicks, t.VetoedTicks, t.Ticks, t.VetoedRate));
            }
            Console.WriteLine(double.IsNaN(r.HeldOutRate) ? "held-out check: too few episodes"
                : string.Format(inv, "held-out check: threshold from even episodes vetoes {0:P2} of odd episodes' {1}", r.HeldOutRate,
                                r.Ticks is null ? "transitions" : "ticks (replayed)"));
            Console.WriteLine($"wrote {r.OutPath}");
            return CliApp.ExitOk;
        });
        return command;
    }
}
