using System.Globalization;
using System.Net;

namespace Robotics.Runtime.Service;

/// <summary>How log lines are written to the console.</summary>
public enum LogFormat { Simple, Json }

/// <summary>
/// What <c>robotics serve</c> adds to a session (the session's own options are <c>run</c>'s): the HTTP endpoint,
/// health thresholds, the watchdog, hot reload and continuous recording. Immutable; <see cref="Problems"/> names
/// every bad field, one line each, before anything starts.
/// </summary>
public sealed record ServiceOptions
{
    /// <summary>Where /health/live, /health/ready, /metrics and POST /reload listen (IP:PORT, loopback unless a proxy fronts it); null: no HTTP.</summary>
    public string? Http { get; init; }
    /// <summary>Readiness needs a state answered this recently; null: three control periods.</summary>
    public TimeSpan? FreshAfter { get; init; }
    /// <summary>Liveness needs a loop tick this recently while driving a robot.</summary>
    public TimeSpan LiveAfter { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Ready reports degraded for this long after an overrun or a missed plan deadline.</summary>
    public TimeSpan DegradedWindow { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Wait between attempts to reach a robot that does not answer.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);
    public LogFormat LogFormat { get; init; } = LogFormat.Simple;
    public WatchdogOptions Watchdog { get; init; } = new();
    public ReloadOptions Reload { get; init; } = new();
    public RecordingOptions Recording { get; init; } = new();

    /// <summary>The HTTP endpoint's address, parsed (only when <see cref="Problems"/> is empty).</summary>
    public IPEndPoint? HttpEndPoint => Http is null ? null : IPEndPoint.Parse(Http);

    /// <summary>Every bad field, one line each ("Http: ..."); empty when the options are good.</summary>
    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        if (Http is not null && (!IPEndPoint.TryParse(Http, out IPEndPoint? ep) || ep.Port == 0 || !Http.Contains(':')))
            p.Add($"Http (--http): '{Http}' is not IP:PORT with a port in 1-65535 (e.g. 127.0.0.1:9100)");
        if (FreshAfter is { } f && f <= TimeSpan.Zero) p.Add($"FreshAfterMs: must be > 0, got {f.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}");
        if (LiveAfter <= TimeSpan.Zero) p.Add($"LiveAfterMs: must be > 0, got {LiveAfter.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}");
        if (DegradedWindow < TimeSpan.Zero) p.Add("DegradedWindowMs: must be >= 0");
        if (RetryDelay <= TimeSpan.Zero) p.Add("RetryDelayMs: must be > 0");
        if (Watchdog.MaxMissFraction is < 0 or > 1 || double.IsNaN(Watchdog.MaxMissFraction))
            p.Add($"Watchdog:MaxMissFraction: must be in [0, 1], got {Watchdog.MaxMissFraction.ToString(CultureInfo.InvariantCulture)}");
        if (Reload.States is < 1 or > LoopMetrics.RecentCapacity) p.Add($"Reload:States: must be in [1, {LoopMetrics.RecentCapacity}], got {Reload.States}");
        if (Reload.SwapTimeout <= TimeSpan.Zero) p.Add("Reload:SwapTimeoutMs: must be > 0");
        if (Reload.PlanQuantile is <= 0 or > 1 || double.IsNaN(Reload.PlanQuantile)) p.Add($"Reload:PlanQuantile: must be in (0, 1], got {Reload.PlanQuantile.ToString(CultureInfo.InvariantCulture)}");
        if (Recording.MaxFiles < 0) p.Add($"Recording:MaxFiles: must be >= 0 (0: no limit), got {Recording.MaxFiles}");
        if (Recording.MaxBytes < 0) p.Add($"Recording:MaxBytes: must be >= 0 (0: no limit), got {Recording.MaxBytes}");
        if (Recording.MaxTransitionsPerFile is < 1 or > 10_000_000) p.Add($"Recording:MaxTransitionsPerFile: must be in [1, 10000000], got {Recording.MaxTransitionsPerFile}");
        return p;
    }
}

/// <summary>
/// The systemd watchdog: when the unit sets <c>WatchdogSec</c> (NOTIFY_SOCKET and WATCHDOG_USEC in the environment)
/// the service pings every half interval, but only while the loop ticks and at most <see cref="MaxMissFraction"/> of
/// the states answered since the last ping overran the period or missed the plan deadline.
/// </summary>
public sealed record WatchdogOptions
{
    public double MaxMissFraction { get; init; } = 0.2;
}

/// <summary>Hot reload: what triggers it and how a candidate is checked before it replaces the running model.</summary>
public sealed record ReloadOptions
{
    /// <summary>Reload when the model file changes on disk (also SIGHUP and POST /reload).</summary>
    public bool Watch { get; init; } = true;
    /// <summary>Recent states the candidate must answer with finite actions (and finite predictions) before the swap.</summary>
    public int States { get; init; } = 16;
    /// <summary>The candidate's plan time at this quantile over those states must be within the control period.</summary>
    public double PlanQuantile { get; init; } = 0.9;
    /// <summary>How long the swap may wait for the loop's next tick.</summary>
    public TimeSpan SwapTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Continuous recording (with <c>--record DIR</c>): one Parquet file per episode, an episode cut (truncated) after
/// <see cref="MaxTransitionsPerFile"/>, oldest files deleted beyond <see cref="MaxFiles"/> or <see cref="MaxBytes"/>.
/// </summary>
public sealed record RecordingOptions
{
    public int MaxFiles { get; init; }
    public long MaxBytes { get; init; }
    public int MaxTransitionsPerFile { get; init; } = 10_000;
}
