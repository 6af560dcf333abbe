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

    /// <summary>`robotics-train bench-tdmpc2`: wall and CPU ms of one TD-MPC2 update and one plan; prints JSON.</summary>
    public static Command CreateTdMpc2()
    {
        var preset = new Option<string>("--preset") { Description = "small | size1 | reference", DefaultValueFactory = _ => "small" };
        var obs = new Option<int>("--obs") { Description = "observation width (3 for Pendulum)", DefaultValueFactory = _ => 3 };
        var act = new Option<int>("--act") { Description = "action width", DefaultValueFactory = _ => 1 };
        var n = new Option<int>("--steps") { Description = "timed updates and plans", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch") { Description = "update batch", DefaultValueFactory = _ => 256 };
        var threads = new Option<int>("--threads") { Description = "torch threads", DefaultValueFactory = _ => 1 };
        var command = new Command("bench-tdmpc2", "Time one TD-MPC2 update and one MPPI plan (TorchSharp) on random data; prints JSON.");
        foreach (Option o in new Option[] { preset, obs, act, n, batch, threads }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            CliApp.Require(parse.GetValue(n) >= 1, "--steps must be >= 1");
            CliApp.Require(parse.GetValue(obs) >= 1 && parse.GetValue(act) >= 1, "--obs and --act must be >= 1");
            var (model, planner) = parse.GetValue(preset) switch
            {
                "small" => (TdMpc2.TdMpc2ModelOptions.Small, Robotics.Runtime.Controllers.LatentMpc.LatentMppiOptions.Small),
                "size1" => (TdMpc2.TdMpc2ModelOptions.Size1, Robotics.Runtime.Controllers.LatentMpc.LatentMppiOptions.Small),
                "reference" => (TdMpc2.TdMpc2ModelOptions.Size1, new Robotics.Runtime.Controllers.LatentMpc.LatentMppiOptions()),
                var p => throw new UsageException($"--preset must be small, size1 or reference, got '{p}'"),
            };
            TdMpc2.TdMpc2Options options;
            try
            {
                options = new TdMpc2.TdMpc2Options { EnvId = "bench", OutDir = "bench", Model = model, Planner = planner, BatchSize = parse.GetValue(batch), Threads = parse.GetValue(threads) }.Validate();
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            var r = TdMpc2.TdMpc2Benchmark.Run(options, parse.GetValue(obs), parse.GetValue(act), parse.GetValue(n), parse.GetValue(n));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"preset\":\"{parse.GetValue(preset)}\",\"batch\":{options.BatchSize},\"threads\":{options.Threads},\"update_ms_median\":{r.UpdateMsMedian:F2},\"update_cpu_ms\":{r.UpdateCpuMs:F2},\"plan_ms_median\":{r.PlanMsMedian:F2},\"plan_cpu_ms\":{r.PlanCpuMs:F2}}}"));
            return CliApp.ExitOk;
        });
        return command;
    }
}
