using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Cli;
using Robotics.Core.Episodes;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Runtime.Robots;
using Robotics.Safety;
using Robotics.Sim.Serve;
using Spectre.Console;

namespace Robotics.Runtime.Demo;

/// <summary>
/// <c>robotics demo</c>'s work: embedded broker + virtual pendulum (<see cref="VirtualPendulumRig"/>), the
/// MQTT driver from the runtime's <see cref="RobotConnector"/>, the shipped model behind the MPC planner and
/// the safety gate (<see cref="MpcController"/>), episodes run by the runtime's <see cref="ControlLoop"/>
/// while a view samples a <see cref="TelemetryTap"/>; then <see cref="DemoSummary"/>. Not real-time.
/// </summary>
public static class DemoRunner
{
    public const string EnvId = "pendulum";
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs the demo; with a null live console it prints plain progress lines to the output instead of the live view.</summary>
    public static async Task<int> RunAsync(DemoOptions options, TextWriter output, IAnsiConsole? live, TimeProvider time, CancellationToken ct)
    {
        try { options.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        CliApp.Require(File.Exists(options.ModelPath), $"--model: file '{options.ModelPath}' does not exist");

        // Log lines would tear the live view; without it only errors go to stderr (the summary counts the rest).
        ILogger logger = live is null ? new ConsoleLineLogger(LogLevel.Error, time) : NullLogger.Instance;
        var inv = CultureInfo.InvariantCulture;

        await using var rig = await VirtualPendulumRig.StartAsync(EnvId, options.RobotId, options.Seed, options.BrokerPort, time, logger).ConfigureAwait(false);
        output.WriteLine($"embedded MQTT broker on 127.0.0.1:{rig.BrokerPort}; virtual pendulum at {rig.RobotUri}");

        var estop = new EStopLatch();
        var tap = new TelemetryTap(RobotConnector.Connect(rig.RobotUri, options.Seed, time, logger, estop), time);
        await using (tap.ConfigureAwait(false))
        {
            // Load and check the model against the robot's declared spec before powering the robot on.
            bool realtime = options.Mode != DemoMode.Lockstep;
            MpcController controller = CreateController(options, realtime, tap, rig.Spec, time, logger, estop);
            if (options.Mode == DemoMode.Auto)
            {
                double planMs = MeasurePlanMs(controller, rig.Spec, time);
                double budgetMs = RealtimeShare * rig.Spec.ControlPeriod.TotalMilliseconds;
                realtime = planMs <= budgetMs;
                output.WriteLine(string.Format(inv, "plan time on this machine: {0:F1} ms (median of {1}) against a {2:F0} ms budget in the {3:F0} ms control period: {4}",
                    planMs, ProbePlans, budgetMs, rig.Spec.ControlPeriod.TotalMilliseconds,
                    realtime ? "real time" : "lock-step, the robot waits for each command (--mode realtime forces real time)"));
                if (!realtime)
                {
                    controller.Dispose();
                    controller = CreateController(options, realtime, tap, rig.Spec, time, logger, estop);
                }
            }
            using (controller)
            {
                rig.StartRobot(lockstep: !realtime);
                RobotSpec spec = await tap.ConfigureAsync(ct).ConfigureAwait(false);
                try { ModelCardCheck.EnsureMatches(controller.Card, spec); }   // what came over the wire, before any command
                catch (ModelCardMismatchException e) { throw new UsageException($"--model '{options.ModelPath}': {e.Message}"); }
                output.WriteLine($"model {Path.GetFileName(options.ModelPath)} ({controller.Card.Algo}, {controller.Card.Ensemble?.Elites} members, " +
                                 $"{controller.Card.TrainingTransitions} training transitions) on {controller.Provider}; planner " +
                                 $"{options.Planner.ToString().ToLowerInvariant()} (horizon {options.Budget.Horizon}, population {options.Budget.Population}, " +
                                 $"iterations {options.Budget.Iterations}); safety gate on; " +
                                 (realtime ? "real time (50 ms control period)" : "lock-step (one robot step per command)"));
                await tap.ActivateAsync(ct).ConfigureAwait(false);
                var results = new List<DemoEpisodeResult>();
                try
                {
                    for (int ep = 0; ep < options.Episodes; ep++)
                    {
                        SafetyCounts before = controller.Gate.Snapshot();
                        controller.Gate.Reset();
                        await controller.Loop.StartEpisodeAsync(ct).ConfigureAwait(false);
                        tap.BeginEpisode(spec);
                        EpisodeReport report = live is null
                            ? await RunPlainAsync(controller.Loop, tap, ep, options, output, ct).ConfigureAwait(false)
                            : await RunLiveAsync(controller.Loop, tap, ep, options, live, ct).ConfigureAwait(false);
                        var result = DemoEpisodeResult.From(report, controller.Gate.Snapshot().Since(before));
                        results.Add(result);
                        output.WriteLine(string.Format(inv,
                            "episode {0}: return {1:F1} over {2} steps, final angle {3:+0.0;-0.0}°, swung up {4}, plan {5:F1} ms median / {6:F1} ms p99, overruns {7}, gate interventions {8}",
                            ep, report.Return, report.Steps, result.FinalAngleDeg, result.SwungUp ? "yes" : "no",
                            report.Timing.PlanMsMedian, report.Timing.PlanMsP99, report.Timing.Overruns, report.Interventions));
                    }
                }
                finally
                {
                    await tap.DeactivateAsync(CancellationToken.None).ConfigureAwait(false);
                    await tap.ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
                }
                await rig.DisposeAsync().ConfigureAwait(false);   // stop the robot so its counters are final
                DriverCounters? runtimeMqtt = (tap.Inner as IDriverDiagnostics)?.Counters;
                foreach (string line in DemoSummary.Lines(results, controller.Gate.Snapshot(), runtimeMqtt, rig.RobotCounters,
                                                          rig.Robot!.CommandsReceived, rig.Robot.SafeActionSteps, MaxSteps, realtime))
                    output.WriteLine(line);
            }
        }
        return CliApp.ExitOk;
    }

    /// <summary>The runtime's deployment path; a bad model or card is a one-line usage error before any command.</summary>
    private static MpcController CreateController(DemoOptions o, bool realtime, IRobotDriver driver, RobotSpec spec, TimeProvider time, ILogger logger, EStopLatch estop)
    {
        try
        {
            var options = new MpcControllerOptions
            {
                Planner = o.Planner, Budget = o.Budget, Gate = GateKind.Safety, Seed = o.Seed,
                Loop = new ControlLoopOptions { Realtime = realtime, RobotId = spec.Id, Source = DataSource.Sim },
            }.Validate();
            return MpcController.Create(o.ModelPath, driver, spec, options, time, logger, estop);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ModelCardMismatchException or ArgumentException)
        {
            throw new UsageException($"--model '{o.ModelPath}': {e.Message}");
        }
    }

    /// <summary>Share of the control period a plan may take for real time to be chosen (the gate, MQTT and jitter need the rest).</summary>
    private const double RealtimeShare = 0.6;
    private const int ProbePlans = 8;

    /// <summary>Not real-time. Median time of a few plans from the hanging-down state (after two warm-up plans).</summary>
    private static double MeasurePlanMs(MpcController controller, RobotSpec spec, TimeProvider time)
    {
        var obs = new float[spec.ObservationSpace.Dimension];
        obs[0] = -1f;   // pendulum hanging down: cos = -1, sin = 0, thdot = 0
        var action = new float[spec.ActionSpace.Dimension];
        var ms = new double[ProbePlans];
        controller.Controller.Reset();
        for (int i = -2; i < ProbePlans; i++)
        {
            long t0 = time.GetTimestamp();
            controller.Controller.Act(obs, action);
            if (i >= 0) ms[i] = time.GetElapsedTime(t0).TotalMilliseconds;
        }
        controller.Controller.Reset();
        Array.Sort(ms);
        return ms[ProbePlans / 2];
    }

    private static async Task<EpisodeReport> RunPlainAsync(ControlLoop loop, TelemetryTap tap, int ep, DemoOptions o, TextWriter output, CancellationToken ct)
    {
        var run = Task.Run(() => loop.RunEpisodeAsync(ep, null, ct), ct);
        long printed = 0;
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(Refresh, ct)).ConfigureAwait(false);
            var s = DemoSample.Take(tap, ep, o.Episodes, MaxSteps);
            if (s.Step / o.LogEvery > printed / o.LogEvery && !run.IsCompleted)
            {
                printed = s.Step;
                output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "  ep {0} step {1,3}: angle {2,7:+0.0;-0.0}°  torque {3,5:+0.00;-0.00}  safety {4,-8}  return {5,8:F1}  plan+gate {6,5:F1} ms",
                    ep, s.Step, s.AngleDeg, s.Torque, s.Decision.ToWire(), s.Return, s.TickMs));
            }
        }
        return await run.ConfigureAwait(false);
    }

    private static async Task<EpisodeReport> RunLiveAsync(ControlLoop loop, TelemetryTap tap, int ep, DemoOptions o, IAnsiConsole console, CancellationToken ct)
    {
        string title = "robotics demo: MPC + safety gate over MQTT";
        EpisodeReport? report = null;
        await console.Live(DemoLiveView.Render(DemoSample.Take(tap, ep, o.Episodes, MaxSteps), title))
            .AutoClear(false)
            .StartAsync(async ctx =>
            {
                var run = Task.Run(() => loop.RunEpisodeAsync(ep, null, ct), ct);
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(Refresh, ct)).ConfigureAwait(false);
                    ctx.UpdateTarget(DemoLiveView.Render(DemoSample.Take(tap, ep, o.Episodes, MaxSteps), title));
                    ctx.Refresh();
                }
                report = await run.ConfigureAwait(false);
            }).ConfigureAwait(false);
        return report!;
    }

    /// <summary>The pendulum's episode length (Gymnasium's 200-step limit).</summary>
    private const int MaxSteps = 200;
}
