using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Core.Models;
using Robotics.Trainer.Safety;

namespace Robotics.Trainer.Cli;

/// <summary>
/// `robotics-train calibrate --model M --data DIR [--data DIR2] [--false-veto-rate 0.01] [--out M2]`:
/// re-calibrates the uncertainty veto of an existing model on new Parquet episodes (split-conformal
/// threshold at the target rate, written into the card's uncertainty section; see UncertaintyRecalibration).
/// Without --out the model file is rewritten in place.
/// </summary>
public static class CalibrateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file (.onnx) whose card to re-calibrate.", Required = true };
        var data = new Option<string[]>("--data") { Description = "Folder(s) of Parquet episodes the model was not trained on.", Required = true, AllowMultipleArgumentsPerToken = false };
        var rate = new Option<double>("--false-veto-rate") { Description = "Share of in-distribution transitions the veto may refuse.", DefaultValueFactory = _ => ConformalThreshold.DefaultFalseVetoRate };
        var output = new Option<string?>("--out") { Description = "Where to write the re-calibrated model (default: in place)." };
        var command = new Command("calibrate", "Re-calibrate a model's uncertainty veto threshold on new episodes (split-conformal).");
        foreach (Option o in new Option[] { model, data, rate, output }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            RecalibrationOptions options;
            try { options = new RecalibrationOptions(parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(rate), parse.GetValue(output)).Validate(); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            RecalibrationResult r;
            try { r = UncertaintyRecalibration.Run(options); }
            catch (Exception e) when (e is InvalidDataException or FileNotFoundException or ArgumentException) { throw new UsageException(e.Message); }
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Format(inv, "calibrated on {0} transitions: threshold {1:G4} ({2} at false-veto rate {3}), was {4}",
                r.After.CalibrationTransitions, r.After.Threshold, r.After.ThresholdMethod, r.After.TargetFalseVetoRate,
                r.Before is null ? "none" : r.Before.VetoThreshold.ToString("G4", inv)));
            Console.WriteLine(double.IsNaN(r.HeldOutRate) ? "held-out check: too few episodes"
                : string.Format(inv, "held-out check: threshold from even episodes vetoes {0:P2} of odd episodes' transitions", r.HeldOutRate));
            Console.WriteLine($"wrote {r.OutPath}");
            return CliApp.ExitOk;
        });
        return command;
    }
}
