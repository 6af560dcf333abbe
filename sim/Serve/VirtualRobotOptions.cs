namespace Robotics.Sim.Serve;

/// <summary>A simulated environment served as a robot over a wire protocol.</summary>
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

    public VirtualRobotOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(EnvId)) throw new ArgumentException("serve: environment id is empty");
        if (string.IsNullOrWhiteSpace(RobotId)) throw new ArgumentException("serve: robot id is empty");
        if (Period is { } p && p <= TimeSpan.Zero) throw new ArgumentException($"serve: period must be positive, got {p}");
        if (IdleRepublish <= TimeSpan.Zero) throw new ArgumentException($"serve: idle republish must be positive, got {IdleRepublish}");
        if (MaxEpisodes < 0) throw new ArgumentException($"serve: max episodes must be >= 0, got {MaxEpisodes}");
        return this;
    }
}
