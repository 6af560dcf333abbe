using Robotics.Runtime.Planning;

namespace Robotics.Runtime.Demo;

/// <summary>How the virtual robot and the loop are paced.</summary>
public enum DemoMode
{
    /// <summary>Real time when this machine plans well inside the control period, else lock-step (measured at start).</summary>
    Auto,
    /// <summary>Robot and loop both run at the robot's control period (the real thing).</summary>
    Realtime,
    /// <summary>The robot steps once per command, so a slow machine still swings up, just slower than real time.</summary>
    Lockstep,
}

/// <summary>
/// What <c>robotics demo</c> runs: a shipped model swinging up a virtual pendulum over MQTT through the
/// embedded broker. Immutable; <see cref="Validate"/> names the first bad setting.
/// </summary>
public sealed record DemoOptions
{
    /// <summary>The ONNX world model (with its card) to plan with.</summary>
    public required string ModelPath { get; init; }
    public int Episodes { get; init; } = 3;
    /// <summary>Seeds the virtual robot's first reset and the planner's sampling.</summary>
    public int Seed { get; init; }
    public PlannerKind Planner { get; init; } = PlannerKind.Cem;
    /// <summary>Defaults sized so one plan fits the pendulum's 50 ms period on two ordinary cores.</summary>
    public PlannerBudget Budget { get; init; } = new() { Horizon = 15, Population = 200, Iterations = 3 };
    /// <summary>Spectre.Console live view; false: plain log lines (also chosen when output is redirected).</summary>
    public bool Live { get; init; } = true;
    public DemoMode Mode { get; init; } = DemoMode.Auto;
    /// <summary>Embedded broker port on 127.0.0.1; 0 picks a free one.</summary>
    public int BrokerPort { get; init; }
    public string RobotId { get; init; } = "demo";
    /// <summary>The gate on the command path: the safety gate (default) or pass-through, to compare returns with the gate off.</summary>
    public Robotics.Runtime.Session.GateKind Gate { get; init; } = Robotics.Runtime.Session.GateKind.Safety;
    /// <summary>Folder to record every transition into as Parquet episodes (with the gate's decision and the judged proposal); null: none.</summary>
    public string? RecordDir { get; init; }
    /// <summary>What replaces a vetoed proposal (null: the gate's default).</summary>
    public Robotics.Safety.VetoFallbackOptions? VetoFallback { get; init; }
    /// <summary>Plain mode: one progress line every this many steps.</summary>
    public int LogEvery { get; init; } = 20;

    public DemoOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new ArgumentException("demo: model path is empty");
        if (Episodes is < 1 or > 1000) throw new ArgumentException($"demo: episodes must be in [1, 1000], got {Episodes}");
        if (BrokerPort is < 0 or > 65535) throw new ArgumentException($"demo: broker port must be in [0, 65535], got {BrokerPort}");
        if (string.IsNullOrWhiteSpace(RobotId)) throw new ArgumentException("demo: robot id is empty");
        if (LogEvery < 1) throw new ArgumentException($"demo: log interval must be >= 1 step, got {LogEvery}");
        Budget.OptionsFor(Planner);
        return this;
    }
}
