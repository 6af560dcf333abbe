using Robotics.Runtime.Loop;
using Robotics.Runtime.Planning;

namespace Robotics.Runtime.Hosting;

/// <summary>What the long-lived runtime service drives, and how. Immutable; validated when the service starts.</summary>
public sealed record RuntimeServiceOptions
{
    /// <summary>ONNX world model with its card.</summary>
    public required string ModelPath { get; init; }
    /// <summary>sim:ENV, mqtt://HOST:PORT/ID or serial:///dev/ttyX?baud=N.</summary>
    public string Robot { get; init; } = "sim:pendulum";
    public PlannerKind Planner { get; init; } = PlannerKind.Cem;
    public PlannerBudget Budget { get; init; } = new();
    public GateKind Gate { get; init; } = GateKind.Safety;
    /// <summary>True: tick at the robot's control period; false: lock-step with the robot.</summary>
    public bool Realtime { get; init; } = true;
    public int Seed { get; init; }
    /// <summary>Episodes before the service ends on its own; 0 runs until the host stops.</summary>
    public int Episodes { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public RuntimeServiceOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new ArgumentException("runtime service: model path is empty");
        if (!File.Exists(ModelPath)) throw new ArgumentException($"runtime service: model file '{ModelPath}' does not exist");
        if (string.IsNullOrWhiteSpace(Robot)) throw new ArgumentException("runtime service: robot address is empty");
        if (Episodes < 0) throw new ArgumentException($"runtime service: episodes must be >= 0 (0: until stopped), got {Episodes}");
        Budget.OptionsFor(Planner);
        return this;
    }
}
