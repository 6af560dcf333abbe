namespace Robotics.Drivers.Resilience;

/// <summary>
/// How a transport reconnects after it lost its link: retries with exponential, jittered backoff between
/// <see cref="InitialDelay"/> and <see cref="MaxDelay"/>, each attempt bounded by <see cref="AttemptTimeout"/>;
/// after <see cref="BreakerMinimumThroughput"/> attempts of which at least <see cref="BreakerFailureRatio"/>
/// failed within <see cref="BreakerSamplingDuration"/>, the circuit opens for <see cref="BreakDuration"/>
/// (no attempts hit the broker while open). Retries go on until the driver shuts down.
/// The defaults bring a robot back within about half a second of its broker's return after an outage of up to
/// about half a minute (backoff capped at 500 ms: two cheap connect attempts a second); only a longer outage
/// (60 failed attempts within 30 s) opens the circuit for 5 s, so a dead broker is not hammered for hours.
/// </summary>
public sealed record ReconnectOptions
{
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(3);
    public double BreakerFailureRatio { get; init; } = 0.9;
    public int BreakerMinimumThroughput { get; init; } = 60;
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>
    /// Seed of the backoff jitter for reproducible reconnect timing in tests; null (the default) draws it from
    /// the OS's random source, so a fleet of robots that lost the same broker does not retry in lock-step.
    /// </summary>
    public int? JitterSeed { get; init; }

    public ReconnectOptions Validate()
    {
        if (InitialDelay <= TimeSpan.Zero) throw new ArgumentException($"reconnect: initial delay must be positive, got {InitialDelay}");
        if (MaxDelay < InitialDelay) throw new ArgumentException($"reconnect: max delay {MaxDelay} is below the initial delay {InitialDelay}");
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10)) throw new ArgumentException($"reconnect: attempt timeout must be at least 10 ms, got {AttemptTimeout}");
        if (BreakerFailureRatio is <= 0 or > 1) throw new ArgumentException($"reconnect: breaker failure ratio must be in (0, 1], got {BreakerFailureRatio}");
        if (BreakerMinimumThroughput < 2) throw new ArgumentException($"reconnect: breaker minimum throughput must be at least 2, got {BreakerMinimumThroughput}");
        if (BreakerSamplingDuration < TimeSpan.FromMilliseconds(500)) throw new ArgumentException($"reconnect: breaker sampling duration must be at least 500 ms, got {BreakerSamplingDuration}");
        if (BreakDuration < TimeSpan.FromMilliseconds(500)) throw new ArgumentException($"reconnect: break duration must be at least 500 ms, got {BreakDuration}");
        return this;
    }
}
