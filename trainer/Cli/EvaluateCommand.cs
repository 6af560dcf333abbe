using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Sim.Environments;
using Robotics.Trainer.Evaluation;

namespace Robotics.Trainer.Cli;

/// <summary>`robotics-train evaluate --model M --env pendulum`: open-loop prediction accuracy of an exported model.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Exported model (.onnx).", Required = true };
        var env = new Option<string>("--env") { Description = "Environment id.", DefaultValueFactory = _ => "pendulum" };
        var trials = new Option<int>("--trials") { Description = "Start states (one random action sequence each).", DefaultValueFactory = _ => 100 };
        var horizon = new Option<int>("--horizon") { Description = "Open-loop steps.", DefaultValueFactory = _ => 30 };
        var tolerance = new Option<double>("--tolerance") { Description = "Error bound (rad for pendulum).", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<int>("--seed") { Description = "Seed for start states and actions.", DefaultValueFactory = _ => 12345 };
        var command = new Command("evaluate", "Open-loop accuracy: steps a model's rollout stays within a tolerance of the true environment under random actions.");
        foreach (Option o in new Option[] { model, env, trials, horizon, tolerance, seed }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(model)!;
            string id = parse.GetValue(env)!;
            CliApp.Require(File.Exists(path), $"--model '{path}' does not exist");
            CliApp.Require(EnvironmentRegistry.Exists(id), $"--env '{id}' is unknown (known: {string.Join(", ", EnvironmentRegistry.Ids)})");
            CliApp.Require(parse.GetValue(trials) >= 1 && parse.GetValue(horizon) >= 1, "--trials and --horizon must be >= 1");
            var r = OpenLoopEvaluation.Run(path, s => EnvironmentRegistry.Create(id, s), parse.GetValue(trials), parse.GetValue(horizon),
                                           parse.GetValue(tolerance), parse.GetValue(seed));
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"{r.Metric}: mean steps within {parse.GetValue(tolerance)} = {r.MeanStepsWithinTolerance:F2} of {parse.GetValue(horizon)}"));
            Console.WriteLine("mean error after step 1..H: " + string.Join(" ", r.MeanErrorPerStep.Select(e => e.ToString("F4", inv))));
            return CliApp.ExitOk;
        });
        return command;
    }
}
