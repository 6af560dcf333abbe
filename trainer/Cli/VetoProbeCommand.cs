using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Trainer.Safety;

namespace Robotics.Trainer.Cli;

/// <summary>
/// `robotics-train veto-probe --model M --training-data DIR [--bands 0,0.1,0.25,0.5,1] [--band-width 0.25] [--out CSV]`:
/// the share of random actions the gate vetoes at states beyond the training data's velocity range, far (veto-eval's
/// probe) and in bands just past the data (<see cref="OodBandProbe"/>). Run it on the model veto-eval calibrated
/// (OUT/ROBOT-seedS/model.onnx) with the same --seed to see its OOD number again and how near the data the veto begins.
/// </summary>
public static class VetoProbeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file (.onnx), e.g. veto-eval's OUT/ROBOT-seedS/model.onnx.", Required = true };
        var training = new Option<string>("--training-data") { Description = "The folder the model was trained from (its range is the probe's origin).", Required = true };
        var bands = new Option<string>("--bands") { Description = "Band starts, as fractions of the data's span past its edge (comma-separated).", DefaultValueFactory = _ => "0,0.1,0.25,0.5,1" };
        var width = new Option<double>("--band-width") { Description = "Width of each band, as a fraction of the data's span.", DefaultValueFactory = _ => 0.25 };
        var states = new Option<int>("--states") { Description = "Probe states per probe.", DefaultValueFactory = _ => 500 };
        var perState = new Option<int>("--actions-per-state") { Description = "Random actions per probe state.", DefaultValueFactory = _ => 2 };
        var margin = new Option<double>("--ood-margin") { Description = "The far probe: velocities start this fraction of the observation bound beyond the range (veto-eval's).", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<int>("--seed") { Description = "Probe seed (veto-eval's seed S reproduces its OOD probe).", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "CSV to write the rows to." };
        var command = new Command("veto-probe", "How far beyond its training data a model's uncertainty veto starts: veto rates far out and in bands just past the data.");
        foreach (Option o in new Option[] { model, training, bands, width, states, perState, margin, seed, output }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            string m = parse.GetValue(model)!, data = parse.GetValue(training)!;
            CliApp.Require(File.Exists(m), $"--model: file '{m}' does not exist");
            CliApp.Require(Directory.Exists(data), $"--training-data: '{data}' is not a folder");
            double[] starts = parse.GetValue(bands)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 ? v : throw new UsageException($"--bands: '{s}' is not a fraction >= 0"))
                .ToArray();
            double w = parse.GetValue(width);
            int n = parse.GetValue(states), k = parse.GetValue(perState);
            CliApp.Require(w > 0 && double.IsFinite(w), $"--band-width must be > 0, got {w}");
            CliApp.Require(n >= 1 && k >= 1, $"--states and --actions-per-state must be >= 1, got {n} and {k}");
            TrainingRange range;
            IReadOnlyList<OodBandRow> rows;
            try { (range, rows) = OodBandProbe.Run(m, data, starts, w, n, k, parse.GetValue(margin), parse.GetValue(seed)); }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or ArgumentException) { throw new UsageException(e.Message); }
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"{range.Robot}: training range {range.Describe()}");
            foreach (var r in rows) Console.WriteLine(string.Create(inv, $"  {r.Probe,-32} {(r.Rate is { } v ? v.ToString() : "no room inside the observation bound")}"));
            if (parse.GetValue(output) is { } csv)
            {
                var lines = new List<string> { "robot,probe,from_span,to_span,samples,vetoed,rate,threshold" };
                lines.AddRange(rows.Select(r => r.Rate is { } v
                    ? string.Create(inv, $"{range.Robot},\"{r.Probe}\",{r.From},{r.To},{v.Samples},{v.Vetoed},{v.Rate:F5},{v.Threshold:G6}")
                    : string.Create(inv, $"{range.Robot},\"{r.Probe}\",{r.From},{r.To},0,,,")));
                File.WriteAllLines(csv, lines);
                Console.WriteLine($"wrote {csv}");
            }
            return CliApp.ExitOk;
        });
        return command;
    }
}
