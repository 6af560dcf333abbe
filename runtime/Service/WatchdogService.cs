using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Robotics.Runtime.Service;

/// <summary>
/// The systemd side of the service (<c>Type=notify</c>): READY=1 once the host has started (configuration valid,
/// HTTP listening; the robot may still be connecting, which STATUS= says), STOPPING=1 when it stops, and with
/// <c>WatchdogSec</c> a WATCHDOG=1 every half interval only while the loop meets its deadlines: while a robot is
/// driven the loop must have ticked within the interval and at most <see cref="WatchdogOptions.MaxMissFraction"/> of
/// the states answered since the last ping may have overrun the period. A hung or overloaded controller thus stops
/// the pings and systemd restarts the unit (<c>Restart=on-watchdog</c>). Not real-time.
/// </summary>
public sealed class WatchdogService(SystemdNotifier notifier, ServiceOptions options, ServiceState state, TimeProvider time,
                                    ILogger<WatchdogService> logger) : BackgroundService
{
    private long _lastOverruns, _lastAnswered, _pings, _withheld;
    private bool _withholding;

    public long Pings => Interlocked.Read(ref _pings);
    public long Withheld => Interlocked.Read(ref _withheld);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
        notifier.Notify("READY=1\nSTATUS=started; connecting to the robot");
        if (notifier.Watchdog is { } w) ServiceLog.WatchdogOn(logger, notifier.SocketPath, w.TotalMilliseconds / 2);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (notifier.Watchdog is not { } watchdog) return;
        TimeSpan interval = watchdog / 2;
        using var timer = new PeriodicTimer(interval, time);
        ServicePhase shown = ServicePhase.Starting;
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (state.Phase != shown && state.Phase == ServicePhase.Running)
                    notifier.Notify($"STATUS=driving robot {state.Spec?.Id} with model {state.Model?.Short}");
                shown = state.Phase;
                string? reason = Verdict(interval);
                if (reason is null)
                {
                    notifier.Notify("WATCHDOG=1");
                    Interlocked.Increment(ref _pings);
                    if (_withholding) { _withholding = false; ServiceLog.WatchdogResumed(logger); }
                }
                else
                {
                    Interlocked.Increment(ref _withheld);
                    if (!_withholding) { _withholding = true; ServiceLog.WatchdogWithheld(logger, reason); }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    /// <summary>Null: ping. Otherwise why not.</summary>
    private string? Verdict(TimeSpan interval)
    {
        LoopMetrics m = state.Metrics;
        long overruns = m.Overruns, answered = m.StatesAnswered;
        long dOver = overruns - _lastOverruns, dAnswered = answered - _lastAnswered;
        _lastOverruns = overruns; _lastAnswered = answered;
        switch (state.Phase)
        {
            case ServicePhase.Failed: return "the service failed";
            case ServicePhase.Running:
                if (m.LastTick == 0 || time.GetElapsedTime(m.LastTick) > 2 * interval)
                    return $"the loop has not ticked for {(m.LastTick == 0 ? "ever" : $"{time.GetElapsedTime(m.LastTick).TotalMilliseconds:F0} ms")}";
                // A window with no answered state (a short one after a late timer tick, or slow ticks straddling it) is no
                // evidence either way: it keeps the last verdict, so an overrunning loop is not pinged by an empty window.
                if (dAnswered == 0) return _withholding ? "no state answered since the ticks overran the control period" : null;
                if (dOver > options.Watchdog.MaxMissFraction * dAnswered)
                    return $"{dOver} of {dAnswered} ticks overran the control period";
                return null;
            default: return null;   // starting, waiting for the robot, stopping: the service itself is fine
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        notifier.Notify("STOPPING=1");
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
