using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Data;
using Robotics.Trainer.Export;
using Robotics.Trainer.Inverse;
using Robotics.Core.Tasks;
using Robotics.Trainer.Reports;
using Spectre.Console;

namespace Robotics.Trainer.Cli;

/// <summary>
/// `robotics-train train --algo pets --data DIR --out model.onnx`: trains a PETS ensemble on recorded
/// episodes and writes the ONNX model with its card, plus a learning curve (CSV and PNG) next to it.
/// Bad data fails before anything is written, naming the file and row (exit code 2).
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new EnsembleOptions();
        var algo = new Option<string>("--algo") { Description = "Algorithm: pets (probabilistic ensemble dynamics) or inverse (inverse dynamics ensemble a = f(s, s'), split by episode).", DefaultValueFactory = _ => "pets" };
        var data = new Option<string>("--data") { Description = "Directory of recorded episodes (*.parquet).", Required = true };
        var output = new Option<string>("--out") { Description = "Model file to write (.onnx).", Required = true };
        var env = new Option<string?>("--env") { Description = "Environment id; default: the one recorded in the files." };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs (early stopping may end sooner).", DefaultValueFactory = _ => defaults.Epochs };
        var members = new Option<int>("--members") { Description = "Ensemble members.", DefaultValueFactory = _ => defaults.Members };
        var elites = new Option<int>("--elites") { Description = "Members kept by validation error.", DefaultValueFactory = _ => defaults.Elites };
        var hidden = new Option<int>("--hidden") { Description = "Units per hidden layer.", DefaultValueFactory = _ => defaults.HiddenUnits };
        var layers = new Option<int>("--layers") { Description = "Hidden layers.", DefaultValueFactory = _ => defaults.HiddenLayers };
        var batch = new Option<int>("--batch-size") { Description = "Rows per member per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var seed = new Option<int>("--seed") { Description = "Seed for splits, bootstraps and initial weights.", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Torch threads.", DefaultValueFactory = _ => defaults.Threads };
        var testFraction = new Option<double>("--test-fraction") { Description = "inverse: fraction of episodes held out for the reported MSE (validation: 0.1 of episodes).", DefaultValueFactory = _ => new InverseOptions().TestFraction };

        var command = new Command("train", "Train a world model on recorded episodes and export it to ONNX with its model card.");
        foreach (Option o in new Option[] { algo, data, output, env, epochs, members, elites, hidden, layers, batch, seed, threads, testFraction }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            string algoName = parse.GetValue(algo)!;
            CliApp.Require(algoName is "pets" or "inverse", $"--algo '{algoName}' is not supported (supported: pets, inverse)");
            string outPath = parse.GetValue(output)!;
            CliApp.Require(outPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase), $"--out '{outPath}' must end in .onnx");
            EnsembleOptions options;
            InverseOptions inverse;
            bool isInverse = algoName == "inverse";
            // The inverse model's defaults (5 x 3x200, all elites) apply where the command line leaves a value alone.
            EnsembleOptions baseline = isInverse ? new InverseOptions().Ensemble : defaults;
            T Pick<T>(Option<T> o, T fallback) => parse.GetResult(o) is { Implicit: false } ? parse.GetValue(o)! : fallback;
            try
            {
                options = new EnsembleOptions
                {
                    Epochs = parse.GetValue(epochs), Members = Pick(members, baseline.Members), Elites = Pick(elites, baseline.Elites),
                    HiddenUnits = Pick(hidden, baseline.HiddenUnits), HiddenLayers = Pick(layers, baseline.HiddenLayers), BatchSize = parse.GetValue(batch),
                    Seed = parse.GetValue(seed), Threads = parse.GetValue(threads),
                }.Validate();
                inverse = new InverseOptions { Ensemble = options, TestFraction = parse.GetValue(testFraction) }.Validate();
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            if (isInverse) return RunInverse(parse.GetValue(data)!, parse.GetValue(env), outPath, inverse);
            return Run(parse.GetValue(data)!, parse.GetValue(env), outPath, options);
        });
        return command;
    }

    private static int Run(string dataDir, string? envId, string outPath, EnsembleOptions options)
    {
        TrainingData data;
        try { data = TrainingData.Load(dataDir, envId); }
        catch (InvalidDataException e) { throw new UsageException(e.Message); }
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]{data.Transitions.Count} transitions from {data.Files} files of '{data.Environment.Id}'; {options.Members} x {options.HiddenLayers}x{options.HiddenUnits} members, {options.Threads} thread(s)[/]");

        using var model = TrainWithProgress(data, options);

        string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        var card = OnnxExporter.Export(model, ModelCardInputs.From(data.Environment, data.Digest), outPath);
        var (csv, png) = LearningCurve.PathsFor(outPath);
        LearningCurve.WriteCsv(csv, model.History);
        LearningCurve.WritePng(png, model.History, $"PETS ensemble on {data.Environment.Id} ({data.Transitions.Count} transitions)");

        var last = model.History[^1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: {card.Ensemble?.Elites}/{card.Ensemble?.Size} elites, validation MSE {model.ValidationMse:G4} (normalised), " +
            $"disagreement p99 {card.Uncertainty?.P99:G4} max {card.Uncertainty?.Max:G4}, {model.History.Count} epochs in {last.Elapsed.TotalSeconds:F1} s " +
            $"(process CPU {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s)"));
        Console.WriteLine($"learning curve: {csv}, {png}");
        return CliApp.ExitOk;
    }

    private static int RunInverse(string dataDir, string? envId, string outPath, InverseOptions options)
    {
        TrainingData data;
        try { data = TrainingData.Load(dataDir, envId); }
        catch (InvalidDataException e) { throw new UsageException(e.Message); }
        var env = data.Environment;
        ITaskDefinition? task = TaskLibrary.TryGet(env.Id, out var t) ? t : null;
        var o = options.Ensemble;
        Console.WriteLine($"{data.Transitions.Count} transitions from {data.Files} files of '{env.Id}'; inverse dynamics, {o.Members} x {o.HiddenLayers}x{o.HiddenUnits} members, split by episode, {o.Threads} thread(s)");
        TrainedInverseModel model;
        try
        {
            model = InverseDynamicsTraining.Train(data.Transitions, env.ActionSpace, task, options, new SyncProgress<EpochReport>(r =>
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {r.Epoch}/{r.MaxEpochs}  train NLL {r.TrainNll:F4}  validation MSE {r.ValidationMse:G4}  ({r.Elapsed.TotalSeconds:F1} s)"))));
        }
        catch (InvalidDataException e) { throw new UsageException(e.Message); }
        using (model)
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
            if (dir is not null) Directory.CreateDirectory(dir);
            InverseExport.Export(model, ModelCardInputs.From(env, data.Digest), outPath);
            var m = model.Test!;
            Console.WriteLine($"held-out test: {m.Episodes} episodes, {m.Rows} transitions (never trained or early-stopped on)");
            for (int j = 0; j < model.ActDim; j++)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {env.ActionSpace.Names[j]}: MSE {m.Mse[j]:G4}, standardised MSE {m.StandardisedMse[j]:G4}; clipped to the box: MSE {m.ClippedMse[j]:G4}, standardised {m.ClippedStandardisedMse[j]:G4}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {outPath}: kind inverse-dynamics, {model.Elites.Count}/{model.Members} elites, {model.History.Count} epochs in {model.History[^1].Elapsed.TotalSeconds:F1} s"));
        }
        return CliApp.ExitOk;
    }

    private static Models.TrainedEnsemble TrainWithProgress(TrainingData data, EnsembleOptions options)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Logs and CI: one line per epoch instead of a redrawn bar.
            return EnsembleTrainer.Train(data.Transitions, options, new SyncProgress<EpochReport>(r =>
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {r.Epoch}/{r.MaxEpochs}  train NLL {r.TrainNll:F4}  validation MSE {r.ValidationMse:G4}  ({r.Elapsed.TotalSeconds:F1} s)"))));
        }
        Models.TrainedEnsemble? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: options.Epochs);
                result = EnsembleTrainer.Train(data.Transitions, options, new SyncProgress<EpochReport>(r =>
                {
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {r.Epoch}/{r.MaxEpochs}  train NLL {r.TrainNll:F3}  val MSE {r.ValidationMse:G3}");
                    task.Value = r.Epoch;
                }));
                task.Value = options.Epochs; // early stopping: show the run as finished
            });
        return result!;
    }
}
