using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Trainer.Reports;

namespace Robotics.Trainer.Cli;

/// <summary>
/// <c>robotics-train plot run-a.csv run-b.csv --out curves.png [--title T] [--target -200] [--step-scale 8]</c>:
/// learning curves of several runs (any algorithm's curve CSV) on one chart against env steps.
/// </summary>
public static class PlotCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("csv") { Description = "Curve CSVs with env_steps and eval_return_mean columns (each becomes one line, labelled by its file name).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "PNG to write.", Required = true };
        var title = new Option<string>("--title") { Description = "Chart title.", DefaultValueFactory = _ => "learning curves" };
        var target = new Option<double?>("--target") { Description = "Draw a dashed target line at this return (e.g. -200 for pendulum)." };
        var scale = new Option<double>("--step-scale") { Description = "Multiply env_steps by this (an action repeat the CSV counted as one step).", DefaultValueFactory = _ => 1.0 };
        var command = new Command("plot", "Draw learning curves from several runs' CSVs on one PNG, against environment steps.");
        command.Arguments.Add(files);
        foreach (Option o in new Option[] { output, title, target, scale }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            string[] paths = parse.GetValue(files)!;
            double stepScale = parse.GetValue(scale);
            CliApp.Require(stepScale > 0 && double.IsFinite(stepScale), $"--step-scale must be positive, got {stepScale}");
            foreach (string p in paths) CliApp.Require(File.Exists(p), $"'{p}' does not exist");
            string outPath = parse.GetValue(output)!;
            string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
            CliApp.Require(dir is not null && Directory.Exists(dir), $"--out '{outPath}': folder does not exist");
            List<CurvePlot.Curve> curves;
            try { curves = paths.Select(p => CurvePlot.Read(p, Path.GetFileNameWithoutExtension(p), stepScale)).ToList(); }
            catch (InvalidDataException e) { throw new UsageException(e.Message); }
            CurvePlot.Draw(outPath, curves, parse.GetValue(title)!, parse.GetValue(target));
            Console.WriteLine($"wrote {outPath} ({curves.Count} curves, {curves.Sum(c => c.EnvSteps.Length)} points)");
            return CliApp.ExitOk;
        });
        return command;
    }
}
