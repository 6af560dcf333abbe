using System.Text;
using System.Text.Json;

namespace Robotics.Runtime.Service;

/// <summary>The standard health states: healthy and degraded answer 200, unhealthy 503.</summary>
public enum HealthStatus { Healthy, Degraded, Unhealthy }

/// <summary>One health check's verdict and why.</summary>
public readonly record struct HealthEntry(string Name, HealthStatus Status, string Detail);

/// <summary>A health report: the worst entry decides the status.</summary>
public sealed record HealthReport(IReadOnlyList<HealthEntry> Entries)
{
    public HealthStatus Status => Entries.Count == 0 ? HealthStatus.Healthy : Entries.Max(e => e.Status);
    public int HttpStatus => Status == HealthStatus.Unhealthy ? 503 : 200;

    /// <summary>{"status":"healthy","checks":{"model":{"status":"healthy","detail":"..."},...}}</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("status", Text(Status));
            w.WriteStartObject("checks");
            foreach (HealthEntry e in Entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("status", Text(e.Status));
                w.WriteString("detail", e.Detail);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string Text(HealthStatus s) => s switch { HealthStatus.Healthy => "healthy", HealthStatus.Degraded => "degraded", _ => "unhealthy" };
}

/// <summary>
/// Liveness and readiness from the service's state. Not real-time (runs on the HTTP thread, reads counters).
/// <para>Live: the service has not failed and, while it drives a robot, its loop has ticked within
/// <see cref="ServiceOptions.LiveAfter"/> (a hung loop thread is what a restart fixes).</para>
/// <para>Ready: the model is loaded and checked against the robot, the robot is connected and a state was answered
/// within <see cref="ServiceOptions.FreshAfter"/> (default three control periods). Degraded (still 200): the e-stop
/// is engaged, or the loop overran its period or missed a plan deadline within the last <see cref="ServiceOptions.DegradedWindow"/>.</para>
/// </summary>
public sealed class HealthCheck(ServiceState state, ServiceOptions options)
{
    private long _lastProblems, _lastProblemAt;

    public HealthReport Live()
    {
        LoopMetrics m = state.Metrics;
        var entries = new List<HealthEntry>();
        if (state.Phase == ServicePhase.Failed)
            entries.Add(new("service", HealthStatus.Unhealthy, "failed: " + (state.LastError ?? "unknown error")));
        else if (state.Phase == ServicePhase.Running)
        {
            TimeSpan since = m.LastTick == 0 ? TimeSpan.MaxValue : m.Time.GetElapsedTime(m.LastTick);
            entries.Add(since <= options.LiveAfter
                ? new("loop", HealthStatus.Healthy, $"ticked {Ms(since)} ago")
                : new("loop", HealthStatus.Unhealthy, m.LastTick == 0 ? "has not ticked" : $"no tick for {Ms(since)}"));
        }
        else entries.Add(new("service", HealthStatus.Healthy, Phase(state.Phase)));
        return new HealthReport(entries);
    }

    public HealthReport Ready()
    {
        LoopMetrics m = state.Metrics;
        var entries = new List<HealthEntry>();
        ModelIdentity? model = state.Model;
        entries.Add(state.Deployment is { } d && model is not null
            ? new("model", HealthStatus.Healthy, $"{d.Card.Kind} {model.Short} checked against robot {state.Spec?.Id}")
            : new("model", HealthStatus.Unhealthy, "not loaded and checked against a robot yet"));
        entries.Add(state.RobotConnected
            ? new("robot", HealthStatus.Healthy, $"{state.Spec!.Id} connected")
            : new("robot", HealthStatus.Unhealthy, state.Phase == ServicePhase.Running ? "transport down or robot offline" : Phase(state.Phase) + (state.LastError is { } e ? ": " + e : "")));
        TimeSpan fresh = options.FreshAfter ?? 3 * (state.Spec?.ControlPeriod ?? TimeSpan.FromMilliseconds(100));
        TimeSpan age = m.LastAnswered == 0 ? TimeSpan.MaxValue : m.Time.GetElapsedTime(m.LastAnswered);
        entries.Add(state.Phase == ServicePhase.Running && age <= fresh
            ? new("states", HealthStatus.Healthy, $"last answered {Ms(age)} ago")
            : new("states", HealthStatus.Unhealthy, m.LastAnswered == 0 ? "no state answered yet" : $"no state answered for {Ms(age)} (fresh: {Ms(fresh)})"));
        if (state.EStop.IsEngaged) entries.Add(new("estop", HealthStatus.Degraded, "engaged: " + state.EStop.Reason));
        long problems = m.Overruns + m.DeadlineMisses;
        lock (this)
        {
            if (problems != _lastProblems) { _lastProblems = problems; _lastProblemAt = m.Time.GetTimestamp(); }
            if (_lastProblemAt != 0 && m.Time.GetElapsedTime(_lastProblemAt) <= options.DegradedWindow)
                entries.Add(new("deadlines", HealthStatus.Degraded, $"{m.Overruns} overruns, {m.DeadlineMisses} missed plan deadlines so far, latest within {Ms(options.DegradedWindow)}"));
        }
        return new HealthReport(entries);
    }

    private static string Phase(ServicePhase p) => p switch
    {
        ServicePhase.Starting => "starting",
        ServicePhase.WaitingForRobot => "waiting for the robot",
        ServicePhase.Running => "running",
        ServicePhase.Stopping => "stopping",
        ServicePhase.Finished => "finished its episodes",
        _ => "failed",
    };

    private static string Ms(TimeSpan t) => t == TimeSpan.MaxValue ? "ever" : $"{t.TotalMilliseconds:F0} ms";
}
