using System.CommandLine;
using Microsoft.Extensions.Logging;
using Robotics.Core.Cli;
using Robotics.Core.Models;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Models;
using Robotics.Runtime.Robots;
using Robotics.Runtime.Session;

namespace Robotics.Runtime.Cli;

/// <summary>
/// <c>robotics run --model M [--safety-model S] --robot sim:pendulum --episodes 5 [--record DIR] [--realtime false]</c>:
/// drives a robot through a <see cref="RobotSession"/> with the controller the model's kind gets, behind the
/// safety gate, and prints each episode's return over the robot's steps, answered states, delays, plan time and
/// gate counts. A missing, invalid, unknown-kind or mismatched model is a one-line error (exit 2) before the
/// robot is activated, so it receives no command. With <c>--deployment FILE</c> (safety/Envelope) the robot's
/// spec (id, safe action, action box) and the model's SHA-256 are checked against that trusted file, and a
/// mismatch is refused the same way.
/// </summary>
public static class RunCommand
{
    public static Command Create() => Create(RobotConnector.Connect, TimeProvider.System, Console.Out);

    /// <summary>Testable form: the connector, clock, output and controller plug-ins are injected.</summary>
    public static Command Create(RobotConnect connect, TimeProvider time, TextWriter output, ControllerRegistry? registry = null)
    {
        var options = new SessionCliOptions(5, "episodes to run");
        var deployment = new Option<string?>("--deployment") { Description = "trusted deployment envelope (JSON: robot_id, safe_action, action_low/high, model_sha256); the robot's spec must agree" };
        var cmd = new Command("run", "Drive a robot with the controller a model's card asks for (ensemble MPC, ...) behind the safety gate.");
        options.AddTo(cmd);
        cmd.Options.Add(deployment);
        cmd.SetAction((parse, ct) =>
        {
            SessionOptions o = options.Read(parse);
            CliApp.Require(o.Episodes >= 1, $"--episodes must be >= 1, got {o.Episodes}");
            Safety.Envelope.DeploymentEnvelope? envelope = null;
            if (parse.GetValue(deployment) is { } file)
            {
                try { envelope = Safety.Envelope.DeploymentEnvelope.Load(file); }
                catch (ArgumentException e) { throw new UsageException("--deployment: " + e.Message); }
            }
            return RunAsync(o, connect, time, output, registry ?? ControllerRegistry.CreateDefault(), ct, envelope);
        });
        return cmd;
    }

    /// <summary>Not real-time. The verb's work; usage problems throw <see cref="UsageException"/> before the robot is activated.</summary>
    public static async Task<int> RunAsync(SessionOptions o, RobotConnect connect, TimeProvider time, TextWriter output,
                                           ControllerRegistry registry, CancellationToken ct, Safety.Envelope.DeploymentEnvelope? envelope = null)
    {
        // Warnings go to stderr: CUDA requested but unavailable, an unknown task, and every safety audit event (gate decision != ok).
        using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace).AddSimpleConsole(c => c.SingleLine = true));
        var services = new SessionServices { Connect = connect, Time = time, Logger = logs.CreateLogger("robotics.run"), Registry = registry };
        try { envelope?.CheckModel(o.ModelPath); }
        catch (Exception e) when (e is Safety.Envelope.EnvelopeMismatchException or IOException) { throw new UsageException(e.Message); }
        await using RobotSession session = await OpenAsync(o, services, ct).ConfigureAwait(false);
        // The robot's spec is not trusted: it must agree with the deployment before the first command.
        try { envelope?.Check(session.Spec!); }
        catch (Safety.Envelope.EnvelopeMismatchException e) { throw new UsageException(e.Message); }
        Deployment d = session.Deployment!;
        output.WriteLine(session.Describe() + $" on {d.Controller switch { Controllers.EnsembleMpc.EnsembleMpcController m => m.Provider, _ => "cpu" }}");
        if (d.Controller is Controllers.LatentMpc.LatentMpcController latent)
        {
            var b = latent.Planner.Options;
            output.WriteLine($"latent MPPI budget: {b.Iterations} iterations x {b.Samples} samples ({b.PolicySamples} from the prior), {b.Elites} elites, horizon {b.Horizon}");
        }
        await session.ActivateAsync(ct).ConfigureAwait(false);
        var episodes = new List<SessionEpisode>();
        long firstId = session.NextEpisodeId;   // a second --record into a folder continues its numbering
        try
        {
            for (int ep = 0; ep < o.Episodes; ep++)
            {
                SessionEpisode e = await session.RunEpisodeAsync(firstId + ep, ct).ConfigureAwait(false);
                episodes.Add(e);
                output.WriteLine(SessionReport.EpisodeLine(e));
                if (d.Gate.ActiveChecks != Safety.SafetyChecks.None) output.WriteLine($"  safety: {e.Safety}");
                if (e.FaultMonitor is { } fm) output.WriteLine($"  {fm}");
            }
            output.WriteLine(SessionReport.MeanLine(episodes));
            if (d.FaultWatch is { } w) output.WriteLine(FaultMonitorSummary(o, session, w, episodes));
        }
        finally
        {
            // Also when a signal or a controller that keeps failing ends the run: what the loop did instead of planning.
            output.WriteLine(SessionReport.LoopLine(d.Loop.Counters));
            if (session.RecordDirectory is { } dir) output.WriteLine($"recorded to {dir}");
            if (session.Driver is Robotics.Drivers.Common.IDriverDiagnostics diag) output.WriteLine($"driver: {diag.Counters}");
        }
        return CliApp.ExitOk;
    }

    /// <summary>
    /// Not real-time. The closing fault-monitor line: alarms over the run; when calibrating, the threshold measured from
    /// these (healthy) episodes, written beside the inverse model.
    /// </summary>
    private static string FaultMonitorSummary(SessionOptions o, RobotSession session, FaultMonitor.ActuatorFaultWatch w, List<SessionEpisode> episodes)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var seen = episodes.Where(e => e.FaultMonitor is { Checked: > 0 }).Select(e => e.FaultMonitor!).ToList();
        if (!w.Calibrating)
        {
            var alarmed = seen.Where(f => f.Alarmed).Select(f => f.AlarmStep).ToList();
            return string.Create(inv, $"fault monitor: {alarmed.Count} alarm(s) in {episodes.Count} episodes (threshold {w.Threshold:G4}, alpha {w.Alpha:G3})") +
                (alarmed.Count > 0 ? $"; alarm steps {string.Join(",", alarmed)}" : "");
        }
        if (seen.Count == 0) return "fault monitor: no transitions checked, nothing calibrated";
        float margin = o.FaultMonitor!.Margin;
        // Runs add up: a calibration file for this model, alpha and margin keeps its episodes (one robot process per seed
        // gives one episode per run); delete it to start over.
        FaultMonitor.FaultMonitorCalibration? before = null;
        try { before = FaultMonitor.FaultMonitorCalibration.TryRead(w.ModelPath); }
        catch (InvalidDataException) { }   // another model's or unreadable: replaced
        bool adds = before is not null && before.Alpha == w.Alpha && before.Margin == margin;
        float[] maxima = [.. (adds ? before!.EpisodeMaxSmoothed : []), .. seen.Select(f => f.MaxSmoothed)];
        var c = FaultMonitor.FaultMonitorCalibration.FromHealthy(w.ModelPath, session.Spec!.EnvId, w.Alpha, margin, maxima)
            with { Controller = Path.GetFileName(o.ModelPath), Robot = o.Robot, Seed = o.Seed };
        string path = c.Write(w.ModelPath);
        return string.Create(inv, $"fault monitor calibrated on {maxima.Length} healthy episodes ({seen.Count} from this run): max smoothed residual {maxima.Max():G4} x margin {c.Margin:G3} = threshold {c.Threshold:G4} (alpha {c.Alpha:G3}); wrote {path}");
    }

    /// <summary>Not real-time. Opens the session, turning every reason it cannot start into a one-line usage error.</summary>
    public static async Task<RobotSession> OpenAsync(SessionOptions o, SessionServices services, CancellationToken ct)
    {
        try { return await RobotSession.OpenAsync(o, services, ct).ConfigureAwait(false); }
        catch (FormatException e) { throw new UsageException($"--robot: {e.Message}"); }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ModelCardMismatchException or ArgumentException)
        {
            throw new UsageException($"--model '{o.ModelPath}'{(o.SafetyModelPath is null ? "" : $" --safety-model '{o.SafetyModelPath}'")}: {e.Message}");
        }
    }
}
