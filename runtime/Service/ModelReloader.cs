using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Runtime.Models;
using Robotics.Runtime.Session;

namespace Robotics.Runtime.Service;

/// <summary>A hot reload's outcome: swapped, or refused with the reason (the running model goes on).</summary>
public sealed record ReloadResult(bool Swapped, string Detail, string? Digest);

/// <summary>
/// Hot reload (triggered by a model file change, SIGHUP or POST /reload): the new model is loaded beside the
/// running one and checked against the robot and the deployment (card: kind, spaces, bounds, control period, via
/// <see cref="Deployment.CreateParts"/>), then tried on the loop's recent states: every action and every safety
/// prediction finite, and the plan time at <see cref="ReloadOptions.PlanQuantile"/> within the control period.
/// Only then does the loop take it, between two ticks (<see cref="Deployment.SwapAsync"/>: no tick missed, and the
/// new gate vets the very next command). The replaced model stays loaded for <see cref="RollbackAsync"/>. Every
/// outcome is a log event (7010/7011) and a <c>robotics_model_reloads_total{result}</c> count. Not real-time.
/// </summary>
public sealed class ModelReloader(RobotService robot, ServiceState state, ServiceOptions service, ILogger<ModelReloader> logger)
{
    private DeploymentParts? _previous;
    private ModelIdentity? _previousModel;

    /// <summary>Loads, checks and swaps in <paramref name="path"/> (null: the running model's path, re-read).</summary>
    public async Task<ReloadResult> ReloadAsync(string? path, string trigger, CancellationToken ct)
    {
        ServiceLog.ReloadRequested(logger, trigger);
        await robot.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (state.Phase != ServicePhase.Running || state.Session is not { Deployment: { } d, Spec: { } spec } || state.Model is not { } running)
                return Refuse(path ?? "(model)", "no robot is being driven yet");
            path ??= running.Path;
            SessionOptions options = robot.RunOptions with { ModelPath = path };
            DeploymentParts candidate;
            try
            {
                options.Validate();
                candidate = Deployment.CreateParts(options, spec, robot.SessionServices);
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ModelCardMismatchException or ArgumentException
                                          or IOException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                return Refuse(path, e.Message.ReplaceLineEndings(" "));
            }
            ModelIdentity model;
            string checks;
            try
            {
                model = ModelIdentity.Of(path, options.SafetyModelPath, candidate.Files.Model.Card);
                checks = Trial(candidate, spec);
            }
            catch (ReloadRefusedException e)
            {
                candidate.Dispose();
                return Refuse(path, e.Message);
            }
            DeploymentParts old = await d.SwapAsync(candidate, service.Reload.SwapTimeout, ct).ConfigureAwait(false);
            Adopt(old, model);
            ServiceLog.Reloaded(logger, path, model.Digest, spec.Id, running.Short, checks);
            state.LastReload = $"swapped in {Path.GetFileName(path)} sha256 {model.Short}";
            return new ReloadResult(true, $"swapped: {checks}", model.Digest);
        }
        finally { robot.Gate.Release(); }
    }

    /// <summary>Puts the model the last reload replaced back in front of the robot (it was kept loaded).</summary>
    public async Task<ReloadResult> RollbackAsync(CancellationToken ct)
    {
        await robot.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_previous is not { } previous || _previousModel is not { } model || state.Session?.Deployment is not { } d)
                return Refuse("(rollback)", "no earlier model is kept");
            ModelIdentity running = state.Model!;
            _previous = null;
            DeploymentParts old = await d.SwapAsync(previous, service.Reload.SwapTimeout, ct).ConfigureAwait(false);
            Adopt(old, model);
            ServiceLog.Reloaded(logger, model.Path, model.Digest, state.Spec!.Id, running.Short, "rollback");
            state.LastReload = $"rolled back to sha256 {model.Short}";
            return new ReloadResult(true, "rolled back", model.Digest);
        }
        finally { robot.Gate.Release(); }
    }

    private void Adopt(DeploymentParts old, ModelIdentity model)
    {
        state.RetireGate(old.Gate);
        _previous?.Dispose();
        _previous = old;
        _previousModel = state.Model;
        state.Model = model;
        robot.Recording?.ModelChanged(model);
        state.ReloadDone(ok: true);
    }

    private ReloadResult Refuse(string path, string reason)
    {
        state.ReloadDone(ok: false);
        ServiceLog.ReloadRefused(logger, path, reason, state.Model?.Short ?? "none");
        state.LastReload = $"refused {Path.GetFileName(path)}: {reason}";
        return new ReloadResult(false, reason, state.Model?.Digest);
    }

    /// <summary>
    /// Not real-time (runs beside the loop on another thread). The candidate answers the loop's recent states; a
    /// non-finite action or prediction, an exception, or plans slower than the period refuse it.
    /// </summary>
    private string Trial(DeploymentParts c, RobotSpec spec)
    {
        List<float[]> states = state.Metrics.RecentObservations(service.Reload.States);
        if (states.Count == 0) throw new ReloadRefusedException("no recent states to try it on");
        int act = spec.ActionSpace.Dimension, obsDim = spec.ObservationSpace.Dimension;
        var action = new float[act];
        var next = new float[obsDim];
        var uncertainty = new float[1];
        var planMs = new List<double>();
        for (int i = 0; i < states.Count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            try { c.Controller.Act(states[i], action); }
            catch (Exception e) when (e is not OutOfMemoryException) { throw new ReloadRefusedException($"controller threw on a recent state: {e.Message}"); }
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i > 0 || states.Count == 1) planMs.Add(ms);   // the first plan warms the session up
            foreach (float a in action)
                if (!float.IsFinite(a)) throw new ReloadRefusedException($"non-finite action {a} on a recent state");
            if (c.Predictor is { } p)
            {
                try { p.Predict(1, states[i], action, next, uncertainty); }
                catch (Exception e) when (e is not OutOfMemoryException) { throw new ReloadRefusedException($"safety prediction threw: {e.Message}"); }
                foreach (float v in next)
                    if (!float.IsFinite(v)) throw new ReloadRefusedException($"non-finite predicted state {v} on a recent state");
                if (!float.IsFinite(uncertainty[0])) throw new ReloadRefusedException($"non-finite uncertainty {uncertainty[0]} on a recent state");
            }
        }
        planMs.Sort();
        double q = planMs[Math.Min(planMs.Count - 1, (int)Math.Ceiling(service.Reload.PlanQuantile * planMs.Count) - 1)];
        double period = spec.ControlPeriod.TotalMilliseconds;
        if (q > period) throw new ReloadRefusedException($"plan time p{service.Reload.PlanQuantile * 100:F0} {q:F1} ms exceeds the {period:F0} ms period");
        return $"{states.Count} recent states answered with finite actions{(c.Predictor is null ? "" : " and predictions")}, plan p{service.Reload.PlanQuantile * 100:F0} {q:F1} ms of {period:F0} ms";
    }

    private sealed class ReloadRefusedException(string message) : Exception(message);
}
