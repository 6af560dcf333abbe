using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Robotics.Core.Cli;
using Robotics.Core.Robots;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Robots;
using Robotics.Safety;

namespace Robotics.Runtime.Cli;

/// <summary>
/// <c>robotics run --model M --robot sim:pendulum --planner cem --episodes 5 [--record DIR] [--realtime false]</c>:
/// drives a robot with MPC over a learned model behind the safety gate and prints each episode's return,
/// plan time and gate counts. A missing, invalid or mismatched model is a one-line error (exit 2) before
/// the robot is activated, so it receives no command.
/// </summary>
public static class RunCommand
{
    /// <summary>Creates driver for an address; tests swap in fakes.</summary>
    public delegate IRobotDriver Connector(string uri, int seed, TimeProvider time, ILogger logger, EStopLatch estop);

    public static Command Create() => Create(RobotConnector.Connect, TimeProvider.System, Console.Out);

    public static Command Create(Connector connect, TimeProvider time, TextWriter output)
    {
        var model = new Option<string>("--model") { Description = "ONNX world model (.onnx with its model card)", Required = true };
        var robot = new Option<string>("--robot") { Description = "sim:ENV, mqtt://HOST:PORT/ID or serial:///dev/ttyX?baud=N", DefaultValueFactory = _ => "sim:pendulum" };
        var planner = new Option<string>("--planner") { Description = "cem | mppi | icem", DefaultValueFactory = _ => "cem" };
        var episodes = new Option<int>("--episodes") { Description = "episodes to run", DefaultValueFactory = _ => 5 };
        var record = new Option<string?>("--record") { Description = "write every transition as Parquet episodes into DIR" };
        var realtime = new Option<bool>("--realtime") { Description = "tick at the robot's control period (false: lock-step, as fast as possible)", DefaultValueFactory = _ => true };
        var seed = new Option<int>("--seed") { Description = "seed of the planner's sampling and the simulator's resets", DefaultValueFactory = _ => 0 };
        var horizon = new Option<int>("--horizon") { Description = "planning horizon in steps", DefaultValueFactory = _ => 15 };
        var population = new Option<int>("--population") { Description = "candidate sequences per iteration (MPPI samples)", DefaultValueFactory = _ => 300 };
        var iterations = new Option<int>("--iterations") { Description = "optimiser iterations per step", DefaultValueFactory = _ => 4 };
        var particles = new Option<string>("--particles") { Description = "average | random-member (TS-1)", DefaultValueFactory = _ => "average" };
        var lambda = new Option<float>("--uncertainty-lambda") { Description = "planner cost weight on ensemble disagreement D", DefaultValueFactory = _ => 0f };
        var gate = new Option<string>("--gate") { Description = "safety | pass (pass-through, for comparisons only)", DefaultValueFactory = _ => "safety" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads for planning", DefaultValueFactory = _ => 2 };

        var cmd = new Command("run", "Drive a robot with model-predictive control over a learned world model.");
        foreach (Option o in new Option[] { model, robot, planner, episodes, record, realtime, seed, horizon, population, iterations, particles, lambda, gate, threads })
            cmd.Options.Add(o);
        cmd.SetAction((parse, ct) =>
        {
            var settings = new RunSettings(
                parse.GetValue(model)!, parse.GetValue(robot)!, ParsePlanner(parse.GetValue(planner)!), parse.GetValue(episodes),
                parse.GetValue(record), parse.GetValue(realtime), parse.GetValue(seed),
                new PlannerBudget
                {
                    Horizon = parse.GetValue(horizon), Population = parse.GetValue(population),
                    Iterations = parse.GetValue(iterations), Particles = ParseParticles(parse.GetValue(particles)!),
                },
                parse.GetValue(lambda), ParseGate(parse.GetValue(gate)!), parse.GetValue(threads));
            return RunAsync(settings, connect, time, output, ct);
        });
        return cmd;
    }

    /// <summary>Not real-time. The verb's work; usage problems throw <see cref="UsageException"/> before the robot is activated.</summary>
    public static async Task<int> RunAsync(RunSettings s, Connector connect, TimeProvider time, TextWriter output, CancellationToken ct)
    {
        CliApp.Require(s.Episodes >= 1, $"--episodes must be >= 1, got {s.Episodes}");
        CliApp.Require(File.Exists(s.ModelPath), $"--model: file '{s.ModelPath}' does not exist");
        MpcControllerOptions options;
        try
        {
            options = new MpcControllerOptions
            {
                Planner = s.Planner, Budget = s.Budget, Costs = new CostSettings { UncertaintyLambda = s.UncertaintyLambda },
                PlannerThreads = s.Threads, Gate = s.Gate, Seed = s.Seed,
                Loop = new ControlLoopOptions { Realtime = s.Realtime, Source = RobotConnector.SourceOf(s.Robot) },
            }.Validate();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }

        // Warnings go to stderr: CUDA requested but unavailable, and every safety audit event (gate decision != ok).
        using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace).AddSimpleConsole(c => c.SingleLine = true));
        ILogger logger = logs.CreateLogger("robotics.run");
        var estop = new EStopLatch();
        IRobotDriver driver;
        try { driver = connect(s.Robot, s.Seed, time, logger, estop); }
        catch (FormatException e) { throw new UsageException($"--robot: {e.Message}"); }

        await using (driver.ConfigureAwait(false))
        {
            RobotSpec spec = await driver.ConfigureAsync(ct).ConfigureAwait(false);
            MpcController controller;
            try
            {
                controller = MpcController.Create(s.ModelPath, driver, spec,
                    options with { Loop = options.Loop with { RobotId = spec.Id } }, time, logger, estop);
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ModelCardMismatchException or ArgumentException)
            {
                await driver.ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
                throw new UsageException($"--model '{s.ModelPath}': {e.Message}");
            }
            using (controller)
            using (var sink = s.RecordDir is null ? null : new ParquetEpisodeSink(s.RecordDir))
            {
                output.WriteLine($"robot {spec.Id} ({spec.EnvId}), model {Path.GetFileName(s.ModelPath)} on {controller.Provider}, " +
                                 $"planner {s.Planner.ToString().ToLowerInvariant()} (horizon {s.Budget.Horizon}, population {s.Budget.Population}, " +
                                 $"iterations {s.Budget.Iterations}), gate {s.Gate.ToString().ToLowerInvariant()}, {(s.Realtime ? "real-time" : "lock-step")}");
                await driver.ActivateAsync(ct).ConfigureAwait(false);
                try
                {
                    double total = 0;
                    long firstId = sink?.NextEpisodeId ?? 0; // a second --record into a folder continues its numbering
                    for (int ep = 0; ep < s.Episodes; ep++)
                    {
                        SafetyCounts before = controller.Gate.Snapshot();
                        controller.Gate.Reset();
                        EpisodeReport r = await controller.Loop.RunEpisodeAsync(firstId + ep, sink, ct).ConfigureAwait(false);
                        total += r.Return;
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"episode {firstId + ep}: return {r.Return:F1} over {r.Steps} steps, plan {r.Timing.PlanMsMedian:F1} ms median / {r.Timing.PlanMsP99:F1} ms p99, overruns {r.Timing.Overruns}, gate interventions {r.Interventions}"));
                        if (controller.Gate.ActiveChecks != SafetyChecks.None)
                            output.WriteLine($"  safety: {controller.Gate.Snapshot().Since(before)}");
                    }
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean return {total / s.Episodes:F1} over {s.Episodes} episodes"));
                    if (sink is not null) output.WriteLine($"recorded to {sink.Directory}");
                    if (driver is Robotics.Drivers.Common.IDriverDiagnostics d) output.WriteLine($"driver: {d.Counters}");
                }
                finally
                {
                    await driver.DeactivateAsync(CancellationToken.None).ConfigureAwait(false);
                    await driver.ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        return CliApp.ExitOk;
    }

    private static PlannerKind ParsePlanner(string s) => s.ToLowerInvariant() switch
    {
        "cem" => PlannerKind.Cem,
        "mppi" => PlannerKind.Mppi,
        "icem" => PlannerKind.Icem,
        _ => throw new UsageException($"--planner must be cem, mppi or icem, got '{s}'"),
    };

    private static ParticleMode ParseParticles(string s) => s.ToLowerInvariant() switch
    {
        "average" => ParticleMode.Average,
        "random-member" or "ts1" => ParticleMode.RandomMember,
        _ => throw new UsageException($"--particles must be average or random-member, got '{s}'"),
    };

    private static GateKind ParseGate(string s) => s.ToLowerInvariant() switch
    {
        "safety" => GateKind.Safety,
        "pass" => GateKind.PassThrough,
        _ => throw new UsageException($"--gate must be safety or pass, got '{s}'"),
    };
}

/// <summary>The parsed arguments of <c>robotics run</c>.</summary>
public sealed record RunSettings(
    string ModelPath, string Robot, PlannerKind Planner, int Episodes, string? RecordDir, bool Realtime, int Seed,
    PlannerBudget Budget, float UncertaintyLambda, GateKind Gate, int Threads);
