using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Core.Models;
using Robotics.Core.Tasks;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Models;

namespace Robotics.Runtime.Cli;

/// <summary>
/// <c>robotics info MODEL [--safety-model S]</c>: prints the card (format, kind, algo, env, spaces, period,
/// data, sections), the controller its kind gets, the task its cost resolves to and the safety checks the gate
/// would run. A file that cannot deploy (bad card, unknown kind, files that disagree) is a one-line error, exit 2.
/// </summary>
public static class InfoCommand
{
    public static Command Create() => Create(Console.Out);

    public static Command Create(TextWriter output, ControllerRegistry? registry = null)
    {
        var model = new Argument<string>("MODEL") { Description = "model file (.onnx with its card)" };
        var safety = new Option<string?>("--safety-model") { Description = "the model the gate would predict with" };
        var json = new Option<bool>("--json") { Description = "print the card as JSON (format 2) as well" };
        var cmd = new Command("info", "Show a model's card, the controller its kind gets and the safety checks it runs behind.");
        cmd.Arguments.Add(model);
        cmd.Options.Add(safety);
        cmd.Options.Add(json);
        cmd.SetAction(parse =>
        {
            Print(parse.GetValue(model)!, parse.GetValue(safety), parse.GetValue(json), registry ?? ControllerRegistry.CreateDefault(), output);
            return CliApp.ExitOk;
        });
        return cmd;
    }

    private static void Print(string path, string? safetyPath, bool json, ControllerRegistry registry, TextWriter o)
    {
        ModelFile file = Read(path);
        ModelCard c = file.Card;
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"file: {path}");
        o.WriteLine($"card: format {c.StoredFormatVersion}{(c.StoredFormatVersion != ModelCard.CurrentFormatVersion ? $" (read as format {ModelCard.CurrentFormatVersion})" : "")}, kind {c.Kind}, algo {c.Algo}, env {c.EnvId}, trainer {c.TrainerVersion}");
        o.WriteLine($"observation: {Space(c.ObservationSpace)}");
        o.WriteLine($"action: {Space(c.ActionSpace)}");
        o.WriteLine(string.Format(inv, "control period: {0} s; training data: {1} transitions, digest {2}", c.ControlPeriodSeconds, c.TrainingTransitions, c.TrainingDataDigest));
        o.WriteLine($"graphs: {string.Join(", ", c.Graphs.Select(g => $"{g.Key} = {g.Value}"))}");
        if (c.Ensemble is { } e) o.WriteLine($"ensemble: {e.Elites} elites of {e.Size} members, disagreement {e.Disagreement}");
        if (c.Uncertainty is { } u)
        {
            o.WriteLine(string.Format(inv, "uncertainty: {0}, p99 {1:G4}, max {2:G4}", u.Method, u.P99, u.Max));
            if (u.Threshold is { } t)
                o.WriteLine(string.Format(inv, "veto threshold: {0:G4} ({1} at false-veto rate {2}, {3} transitions: {4})",
                    t, u.ThresholdMethod, u.TargetFalseVetoRate, u.CalibrationTransitions, u.CalibrationData));
        }
        if (c.Metrics.Count > 0) o.WriteLine($"metrics: {string.Join(", ", c.Metrics.Select(m => string.Format(inv, "{0} {1:G4}", m.Key, m.Value)))}");
        o.WriteLine(c.TaskCost is null ? "task: none named (planners use the learned reward)"
            : TaskLibrary.TryGet(c.TaskCost, out var task) ? $"task: {task.Id} from the task library (cost with ONNX form: {(task.Cost.GraphForm is null ? "no" : "yes")})"
            : $"task: '{c.TaskCost.Task}' is not in the task library (known: {string.Join(", ", TaskLibrary.Ids)}): planners use the learned reward");

        if (!registry.TryGet(c.Kind, out IControllerFactory factory))
            throw new UsageException($"'{path}': model kind '{c.Kind}' has no controller in this build (known: {string.Join(", ", registry.Kinds.Order())})");
        o.WriteLine($"controller: {factory.Describe(c)}");

        ModelFile predictorFile = file;
        IControllerFactory predictorFactory = factory;
        if (safetyPath is not null)
        {
            predictorFile = Read(safetyPath);
            if (!registry.TryGet(predictorFile.Card.Kind, out predictorFactory))
                throw new UsageException($"--safety-model '{safetyPath}': model kind '{predictorFile.Card.Kind}' has no controller in this build");
            try { ModelCardCheck.EnsureSameProblem(file, predictorFile); }
            catch (ModelCardMismatchException ex) { throw new UsageException($"--safety-model: {ex.Message}"); }
        }
        bool predicts = predictorFactory.CanPredictSafety(predictorFile.Card);
        o.WriteLine("safety checks: input sanity, e-stop, staleness, action limits (rate limit when configured)" +
            (predicts ? $"; model output, state limits (when configured) and the uncertainty veto with '{Path.GetFileName(predictorFile.Path)}'"
                      : "; no safety predictor: state limits and the uncertainty veto are off (give --safety-model)"));
        if (json) o.WriteLine(c.ToJson(indented: true));
    }

    private static ModelFile Read(string path)
    {
        try { return ModelFile.Read(path); }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException) { throw new UsageException(e.Message); }
    }

    private static string Space(CardSpace s) =>
        string.Join(", ", s.Names.Select((n, i) => string.Format(CultureInfo.InvariantCulture, "{0} [{1}, {2}]", n, s.Low[i], s.High[i])));
}
