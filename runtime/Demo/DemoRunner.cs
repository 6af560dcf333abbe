using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Cli;
using Robotics.Core.Episodes;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Session;
using Robotics.Runtime.Models;
using Robotics.Runtime.Robots;
using Robotics.Safety;
using Robotics.Sim.Serve;
using Spectre.Console;

namespace Robotics.Runtime.Demo;

/// <summary>
/// <c>robotics demo</c>'s work: embedded broker + virtual pendulum (<see cref="VirtualPendulumRig"/>), the
/// MQTT driver from the runtime's <see cref="RobotConnector"/>, the shipped model behind the MPC planner and
/// the safety gate, all through the runtime's <see cref="RobotSession"/>
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

        var tap = new TelemetryTap(RobotConnector.Connect(rig.RobotUri, options.Seed, time, logger, new EStopLatch()), time);
        var services = new SessionServices { Connect = (_, _, _, _, _) => tap, Time = time, Logger = logger };
        // Build and check the deployment against the robot's declared spec before powering the robot on.
        bool realtime = options.Mode != DemoMode.Lockstep;
        RobotSession session = Open(options, realtime, rig.RobotUri, rig.Spec, services);
        try
        {
            if (options.Mode == DemoMode.Auto)
            {
                double planMs = MeasurePlanMs(session.Deployment!.Controller, rig.Spec, time);
                double budgetMs = RealtimeShare * rig.Spec.ControlPeriod.TotalMilliseconds;
                realtime = planMs <= budgetMs;
                output.WriteLine(string.Format(inv, "plan time on this machine: {0:F1} ms (median of {1}) against a {2:F0} ms budget in the {3:F0} ms control period: {4}",
                    planMs, ProbePlans, budgetMs, rig.Spec.ControlPeriod.TotalMilliseconds,
                    realtime ? "real time" : "lock-step, the robot waits for each command (--mode realtime forces real time)"));
                if (!realtime)
                {
                    session.Deployment!.Dispose();
                    session = Open(options, realtime, rig.RobotUri, rig.Spec, services);
                }
            }
            rig.StartRobot(lockstep: !realtime);
            RobotSpec spec;
            try { spec = await session.ConfigureAsync(ct).ConfigureAwait(false); }   // what came over the wire, before any command
            catch (ModelCardMismatchException e) { throw new UsageException($"--model '{options.ModelPath}': {e.Message}"); }
            Deployment d = session.Deployment!;
            output.WriteLine($"model {Path.GetFileName(options.ModelPath)} ({d.Card.Algo}, {d.Card.Ensemble?.Elites} members, " +
                             $"{d.Card.TrainingTransitions} training transitions); planner " +
                             $"{options.Planner.ToString().ToLowerInvariant()} (horizon {options.Budget.Horizon}, population {options.Budget.Population}, " +
                             $"iterations {options.Budget.Iterations}); {(options.Gate == GateKind.Safety ? "safety gate on" : "gate OFF (pass-through)")}; " +
                             (realtime ? string.Format(inv, "real time ({0:F0} ms control period, acting on each state)", spec.ControlPeriod.TotalMilliseconds)
                                       : "lock-step (one robot step per command)"));
            await session.ActivateAsync(ct).ConfigureAwait(false);
            var results = new List<DemoEpisodeResult>();
            for (int ep = 0; ep < options.Episodes; ep++)
            {
                tap.BeginEpisode(spec);
                SessionEpisode e = live is null
                    ? await RunPlainAsync(session, tap, ep, options, output, ct).ConfigureAwait(false)
                    : await RunLiveAsync(session, tap, ep, options, live, ct).ConfigureAwait(false);
                var result = DemoEpisodeResult.From(e.Report, e.Safety);
                results.Add(result);
                output.WriteLine(string.Format(inv,
                    "episode {0}: final angle {1:+0.0;-0.0;0.0}°, swung up {2}; {3}",
                    ep, result.FinalAngleDeg, result.SwungUp ? "yes" : "no", SessionReport.EpisodeLine(e)));
            }
            await session.ReleaseAsync().ConfigureAwait(false);
            await rig.DisposeAsync().ConfigureAwait(false);   // stop the robot so its counters are final
            DriverCounters? runtimeMqtt = (tap.Inner as IDriverDiagnostics)?.Counters;
            foreach (string line in DemoSummary.Lines(results, d.Gate.Snapshot(), runtimeMqtt, rig.RobotCounters,
                                                      rig.Robot!.CommandsReceived, rig.Robot.SafeActionSteps, MaxSteps, realtime))
                output.WriteLine(line);
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
        return CliApp.ExitOk;
    }

    /// <summary>The runtime's deployment session, built against the declared spec; a bad model or card is a one-line usage error before any command.</summary>
    private static RobotSession Open(DemoOptions o, bool realtime, string robotUri, RobotSpec spec, SessionServices services)
    {
        var options = new SessionOptions
        {
            ModelPath = o.ModelPath, Robot = robotUri, Episodes = o.Episodes, Realtime = realtime, Seed = o.Seed, Gate = o.Gate, RecordDir = o.RecordDir, VetoFallback = o.VetoFallback,
            // The demo's robot is its own virtual pendulum behind the embedded broker, never hardware.
            AllowUngatedHardware = o.Gate == GateKind.PassThrough,
            Controller = new ControllerOptions { Planner = o.Planner, Budget = o.Budget, Seed = o.Seed },
        };
        RobotSession? session = null;
        try
        {
            session = RobotSession.Connect(options, services);
            session.Build(spec);
            return session;
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
    private static double MeasurePlanMs(IController controller, RobotSpec spec, TimeProvider time)
    {
        var obs = new float[spec.ObservationSpace.Dimension];
        obs[0] = -1f;   // pendulum hanging down: cos = -1, sin = 0, thdot = 0
        var action = new float[spec.ActionSpace.Dimension];
        var ms = new double[ProbePlans];
        controller.Reset();
        for (int i = -2; i < ProbePlans; i++)
        {
            long t0 = time.GetTimestamp();
            controller.Act(obs, action);
            if (i >= 0) ms[i] = time.GetElapsedTime(t0).TotalMilliseconds;
        }
        controller.Reset();
        Array.Sort(ms);
        return ms[ProbePlans / 2];
    }

    private static async Task<SessionEpisode> RunPlainAsync(RobotSession session, TelemetryTap tap, int ep, DemoOptions o, TextWriter output, CancellationToken ct)
    {
        var run = Task.Run(() => session.RunEpisodeAsync(ep, ct), ct);
        long printed = 0;
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(Refresh, ct)).ConfigureAwait(false);
            var s = DemoSample.Take(tap, ep, o.Episodes, MaxSteps);
            if (s.Step / o.LogEvery > printed / o.LogEvery && !run.IsCompleted)
            {
                printed = s.Step;
                output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "  ep {0} step {1,3}: angle {2,7:+0.0;-0.0;0.0}°  torque {3,5:+0.00;-0.00;0.00}  safety {4,-8}  return {5,8:F1}  plan+gate {6,5:F1} ms",
                    ep, s.Step, s.AngleDeg, s.Torque, s.Decision.ToWire(), s.Return, s.TickMs));
            }
        }
        return await run.ConfigureAwait(false);
    }

    private static async Task<SessionEpisode> RunLiveAsync(RobotSession session, TelemetryTap tap, int ep, DemoOptions o, IAnsiConsole console, CancellationToken ct)
    {
        string title = "robotics demo: MPC + safety gate over MQTT";
        SessionEpisode? report = null;
        await console.Live(DemoLiveView.Render(DemoSample.Take(tap, ep, o.Episodes, MaxSteps), title))
            .AutoClear(false)
            .StartAsync(async ctx =>
            {
                var run = Task.Run(() => session.RunEpisodeAsync(ep, ct), ct);
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
