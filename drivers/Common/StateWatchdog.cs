using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;

namespace Robotics.Drivers.Common;

/// <summary>Options of the state watchdog: a state older than <see cref="Timeout"/> is stale.</summary>
public sealed record StateWatchdogOptions(TimeSpan Timeout)
{
    public StateWatchdogOptions Validate()
    {
        if (Timeout <= TimeSpan.Zero) throw new ArgumentException($"watchdog: timeout must be positive, got {Timeout}");
        return this;
    }

    /// <summary>Three control periods: one lost state is tolerated, a silent robot is not.</summary>
    public static StateWatchdogOptions ForPeriod(TimeSpan controlPeriod) => new(controlPeriod * 3);
}

/// <summary>
/// Tells the loop whether the state it holds is fresh, from <see cref="StateBuffer.ReceivedTimestamp"/>.
/// The loop (through the gate) sends the safe action while stale; this class logs and counts each
/// fresh -> stale transition once, so a long outage is one event, not one per tick.
/// </summary>
public sealed class StateWatchdog(StateWatchdogOptions options, TimeProvider time, DriverCounters counters, ILogger logger)
{
    private readonly long _timeoutTicks = (long)(options.Validate().Timeout.TotalSeconds * time.TimestampFrequency);
    private bool _stale = true;
    private bool _everFresh;

    /// <summary>True while the last check found the state stale.</summary>
    public bool IsStale => _stale;

    /// <summary>
    /// Hot path, allocation-free (logs only on a transition). True when <paramref name="state"/> arrived
    /// within the timeout; a state that never arrived (timestamp 0) is stale.
    /// </summary>
    public bool IsFresh(StateBuffer state)
    {
        long age = time.GetTimestamp() - state.ReceivedTimestamp;
        bool fresh = state.ReceivedTimestamp != 0 && age <= _timeoutTicks;
        if (!fresh && !_stale)
        {
            counters.Inc(ref counters._staleEvents);
            if (_everFresh) LogStale(age);
        }
        if (fresh && _stale && _everFresh) logger.LogInformation("watchdog: fresh state again (seq {Seq})", state.Seq);
        _everFresh |= fresh;
        _stale = !fresh;
        return fresh;
    }

    private void LogStale(long ageTicks) =>
        logger.LogWarning("watchdog: no fresh state for {AgeMs:F0} ms (timeout {TimeoutMs:F0} ms); safe action goes out",
            ageTicks * 1000.0 / time.TimestampFrequency, options.Timeout.TotalMilliseconds);
}
