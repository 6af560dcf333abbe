using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Runtime.Demo;
using Robotics.Runtime.Planning;
using Spectre.Console;

namespace Robotics.Runtime.Cli;

/// <summary>
/// <c>robotics demo</c>: the shipped pendulum model swings up a virtual pendulum behind the embedded MQTT
/// broker, through the MQTT driver, the MPC planner and the safety gate, with a live console view
/// (plain lines when output is redirected or with --no-live) and a closing summary. Needs only the .NET SDK.
/// </summary>
public static class DemoCommand
{
    public static Command Create() => Create(Console.Out, () => Console.IsOutputRedirected ? null : AnsiConsole.Console, TimeProvider.System);

    /// <summary>Testable form: output, live console (null when there is no terminal to draw on) and clock injected.</summary>
    public static Command Create(TextWriter output, Func<IAnsiConsole?> liveConsole, TimeProvider time)
    {
        var budget = new DemoOptions { ModelPath = "-" }.Budget;
        var model = new Option<string?>("--model") { Description = $"ONNX world model with its card (default: the shipped {ShippedModel.RelativePath})" };
        var episodes = new Option<int>("--episodes") { Description = "episodes to run (200 steps, 10 s each in real time)", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "seed of the pendulum's first reset and the planner's sampling", DefaultValueFactory = _ => 0 };
        var planner = new Option<string>("--planner") { Description = "cem | mppi | icem", DefaultValueFactory = _ => "cem" };
        var noLive = new Option<bool>("--no-live") { Description = "plain log lines instead of the live view (automatic when output is redirected)" };
        var mode = new Option<string>("--mode") { Description = "realtime (robot steps every 50 ms) | lockstep (robot waits for each command) | auto (real time when this machine plans fast enough)", DefaultValueFactory = _ => "auto" };
        var horizon = new Option<int>("--horizon") { Description = "planning horizon in steps", DefaultValueFactory = _ => budget.Horizon };
        var population = new Option<int>("--population") { Description = "candidate sequences per iteration", DefaultValueFactory = _ => budget.Population };
        var iterations = new Option<int>("--iterations") { Description = "optimiser iterations per step", DefaultValueFactory = _ => budget.Iterations };
        var gate = new Option<string>("--gate") { Description = "safety (the safety gate) | pass (no checks: to compare the return with the gate off; the robot is virtual)", DefaultValueFactory = _ => "safety" };
        var record = new Option<string?>("--record") { Description = "folder to record the episodes into (Parquet, with the gate's decisions), e.g. to see what the veto replaced" };
        var vetoCandidate = VetoCandidateOption.Create();
        var port = new Option<int>("--broker-port") { Description = "embedded broker port on 127.0.0.1 (0: a free port)", DefaultValueFactory = _ => 0 };

        var cmd = new Command("demo", "Swing up a virtual pendulum over MQTT (embedded broker) with the shipped model, MPC and the safety gate.");
        foreach (Option o in new Option[] { model, episodes, seed, planner, noLive, mode, horizon, population, iterations, port, gate, record, vetoCandidate })
            cmd.Options.Add(o);
        cmd.SetAction((parse, ct) =>
        {
            var options = new DemoOptions
            {
                ModelPath = parse.GetValue(model) ?? ShippedModel.Locate(),
                Episodes = parse.GetValue(episodes),
                Seed = parse.GetValue(seed),
                Planner = ParsePlanner(parse.GetValue(planner)!),
                Budget = budget with { Horizon = parse.GetValue(horizon), Population = parse.GetValue(population), Iterations = parse.GetValue(iterations) },
                Live = !parse.GetValue(noLive),
                Mode = parse.GetValue(mode)!.ToLowerInvariant() switch
                {
                    "auto" => DemoMode.Auto, "realtime" => DemoMode.Realtime, "lockstep" => DemoMode.Lockstep,
                    var m => throw new UsageException($"--mode must be auto, realtime or lockstep, got '{m}'"),
                },
                BrokerPort = parse.GetValue(port),
                RecordDir = parse.GetValue(record),
                VetoFallback = VetoCandidateOption.Parse(parse.GetValue(vetoCandidate)!),
                Gate = parse.GetValue(gate)!.ToLowerInvariant() switch
                {
                    "safety" => Robotics.Runtime.Session.GateKind.Safety, "pass" => Robotics.Runtime.Session.GateKind.PassThrough,
                    var g => throw new UsageException($"--gate must be safety or pass, got '{g}'"),
                },
            };
            IAnsiConsole? live = options.Live ? liveConsole() : null;
            return DemoRunner.RunAsync(options, output, live, time, ct);
        });
        return cmd;
    }

    private static PlannerKind ParsePlanner(string s) => s.ToLowerInvariant() switch
    {
        "cem" => PlannerKind.Cem,
        "mppi" => PlannerKind.Mppi,
        "icem" => PlannerKind.Icem,
        _ => throw new UsageException($"--planner must be cem, mppi or icem, got '{s}'"),
    };
}
