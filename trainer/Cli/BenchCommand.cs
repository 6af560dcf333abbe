using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Benchmarks;

namespace Robotics.Trainer.Cli;

/// <summary>`robotics-train bench-step`: times ensemble training steps on random data and prints one JSON line.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var members = new Option<int>("--members") { Description = "Ensemble members.", DefaultValueFactory = _ => 5 };
        var hidden = new Option<int>("--hidden") { Description = "Units per hidden layer.", DefaultValueFactory = _ => 200 };
        var layers = new Option<int>("--layers") { Description = "Hidden layers.", DefaultValueFactory = _ => 3 };
        var input = new Option<int>("--input") { Description = "Input width (obs + act); 4 for Pendulum.", DefaultValueFactory = _ => 4 };
        var output = new Option<int>("--output") { Description = "Target width (obs + reward); 4 for Pendulum.", DefaultValueFactory = _ => 4 };
        var batch = new Option<int>("--batch-size") { Description = "Rows per member per step.", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "Timed steps.", DefaultValueFactory = _ => 100 };
        var threads = new Option<int>("--threads") { Description = "Torch threads.", DefaultValueFactory = _ => 1 };
        var command = new Command("bench-step", "Time one training step (forward, backward, Adam) of an ensemble on random data; prints JSON.");
        foreach (Option o in new Option[] { members, hidden, layers, input, output, batch, steps, threads }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            CliApp.Require(parse.GetValue(steps) >= 1, "--steps must be >= 1");
            CliApp.Require(parse.GetValue(input) >= 1 && parse.GetValue(output) >= 1, "--input and --output must be >= 1");
            EnsembleOptions options;
            try
            {
                options = new EnsembleOptions
                {
                    Members = parse.GetValue(members), Elites = 1, HiddenUnits = parse.GetValue(hidden), HiddenLayers = parse.GetValue(layers),
                    BatchSize = parse.GetValue(batch), Threads = parse.GetValue(threads),
                }.Validate();
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            var r = AdamStepBenchmark.Run(options, parse.GetValue(input), parse.GetValue(output), parse.GetValue(steps));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"members\":{options.Members},\"hidden\":{options.HiddenUnits},\"layers\":{options.HiddenLayers},\"batch_per_member\":{options.BatchSize}," +
                $"\"threads\":{options.Threads},\"steps\":{r.Steps},\"step_ms_median\":{r.WallMsMedian:F2},\"step_ms_min\":{r.WallMsMin:F2},\"cpu_ms_per_step\":{r.CpuMsPerStep:F2}}}"));
            return CliApp.ExitOk;
        });
        return command;
    }
}
