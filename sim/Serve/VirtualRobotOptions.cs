namespace Robotics.Sim.Serve;

/// <summary>A simulated environment served as a robot over a wire protocol, with the robot-side safety a real controller board has.</summary>
public sealed record VirtualRobotOptions
{
    public required string EnvId { get; init; }
    public string RobotId { get; init; } = "r1";
    public int Seed { get; init; }
    /// <summary>Step once per command (answering the current state) instead of in real time.</summary>
    public bool Lockstep { get; init; }
    /// <summary>Real-time period; null uses the environment's control period.</summary>
    public TimeSpan? Period { get; init; }
    /// <summary>Lock-step: with no command for this long, the current state is sent again (same seq) for late joiners.</summary>
    public TimeSpan IdleRepublish { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Stop after this many episodes (0: run until cancelled).</summary>
    public int MaxEpisodes { get; init; }

    /// <summary>The robot's own cap on a command's ttl: a command asking for more is applied this long at most.</summary>
    public TimeSpan MaxTtl { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>After a re-arm, each action dimension moves from the safe action by at most this fraction of its range per step.</summary>
    public float RearmRampPerStep { get; init; } = 0.05f;
    /// <summary>A controller session holds the lease while its commands keep coming; silent this long, another may take it.</summary>
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long an operator's release request waits for the re-arm.</summary>
    public TimeSpan ReleaseWindow { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Keeps the e-stop latch across restarts (the robot's non-volatile memory); null: in memory only.</summary>
    public string? EStopFile { get; init; }

    public VirtualRobotOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(EnvId)) throw new ArgumentException("serve: environment id is empty");
        if (string.IsNullOrWhiteSpace(RobotId)) throw new ArgumentException("serve: robot id is empty");
        if (Period is { } p && p <= TimeSpan.Zero) throw new ArgumentException($"serve: period must be positive, got {p}");
        if (IdleRepublish <= TimeSpan.Zero) throw new ArgumentException($"serve: idle republish must be positive, got {IdleRepublish}");
        if (MaxEpisodes < 0) throw new ArgumentException($"serve: max episodes must be >= 0, got {MaxEpisodes}");
        if (MaxTtl <= TimeSpan.Zero || MaxTtl > TimeSpan.FromSeconds(60)) throw new ArgumentException($"serve: max ttl must be in (0, 60 s], got {MaxTtl}");
        if (!(RearmRampPerStep > 0 && RearmRampPerStep <= 1)) throw new ArgumentException($"serve: re-arm ramp must be in (0, 1] of the action range per step, got {RearmRampPerStep}");
        if (LeaseTimeout <= TimeSpan.Zero) throw new ArgumentException($"serve: lease timeout must be positive, got {LeaseTimeout}");
        if (ReleaseWindow <= TimeSpan.Zero) throw new ArgumentException($"serve: release window must be positive, got {ReleaseWindow}");
        return this;
    }
}
