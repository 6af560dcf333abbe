using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Robotics.Core.Cli;
using Robotics.Sim.Mujoco;
using Robotics.Sim.Mujoco.Tasks;

namespace Robotics.Sim.Cli;

/// <summary><c>robotics-sim bench mujoco [--task ID] [--steps N] [--rounds R] [--json]</c>: the binding's step rate against MuJoCo's C loop.</summary>
public static class BenchCommand
{
    public static Command Create(TextWriter? output = null)
    {
        var bench = new Command("bench", "Benchmarks of the simulated robots.");
        var task = new Option<string>("--task") { Description = "MuJoCo task whose model is stepped (" + string.Join(", ", MujocoTasks.Ids) + ")", DefaultValueFactory = _ => "mj-cheetah-run" };
        var steps = new Option<int>("--steps") { Description = "physics steps per round", DefaultValueFactory = _ => 20_000 };
        var rounds = new Option<int>("--rounds") { Description = "alternating C / binding rounds (best of each is reported)", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "one JSON object on stdout" };
        var mujoco = new Command("mujoco", "MuJoCo's own C loop (gcc, in the shim) vs the C# binding vs the whole task step, on one model in one process.");
        foreach (Option o in new Option[] { task, steps, rounds, json }) mujoco.Options.Add(o);
        mujoco.SetAction(parse =>
        {
            string id = parse.GetValue(task)!;
            CliApp.Require(MujocoTasks.Exists(id), $"--task: unknown MuJoCo task '{id}' (known: {string.Join(", ", MujocoTasks.Ids)})");
            int n = parse.GetValue(steps), r = parse.GetValue(rounds);
            CliApp.Require(n is >= 100 and <= 100_000_000, $"--steps must be in [100, 1e8], got {n}");
            CliApp.Require(r is >= 1 and <= 1000, $"--rounds must be in [1, 1000], got {r}");
            var result = MujocoBench.Run(id, n, r);
            var o = output ?? Console.Out;
            if (parse.GetValue(json))
                o.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["bench"] = "mujoco", ["task"] = result.Task, ["model"] = result.Model, ["mujoco_version"] = MujocoSimulation.Version,
                    ["steps"] = result.Steps, ["rounds"] = result.Rounds,
                    ["c_loop_steps_per_s"] = Math.Round(result.CLoopStepsPerSecond), ["binding_steps_per_s"] = Math.Round(result.BindingStepsPerSecond),
                    ["task_steps_per_s"] = Math.Round(result.TaskStepsPerSecond), ["binding_over_c"] = Math.Round(result.BindingOverC, 4),
                    ["binding_bytes_per_step"] = result.BindingBytesPerStep, ["task_bytes_per_step"] = result.TaskBytesPerStep,
                }));
            else
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Task} ({result.Model}): C loop {result.CLoopStepsPerSecond:F0} steps/s, binding {result.BindingStepsPerSecond:F0} steps/s ({100 * result.BindingOverC:F1}% of C), task {result.TaskStepsPerSecond:F0} steps/s; {result.BindingBytesPerStep:F1} B/step binding, {result.TaskBytesPerStep:F1} B/step task"));
            return CliApp.ExitOk;
        });
        bench.Subcommands.Add(mujoco);
        return bench;
    }
}
