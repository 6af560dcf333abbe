using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Safety.Tests.Fakes;

namespace Robotics.Safety.Tests;

/// <summary>
/// A gate wired like the control loop uses it: state -> gate -> driver.Write. Time is a fake clock; every
/// assertion looks at what the <see cref="RecordingDriver"/> received.
/// </summary>
public sealed class GateHarness
{
    public static RobotSpec PendulumSpec() => new(
        "test-pendulum", "pendulum",
        new BoxSpace([-1f, -1f, -8f], [1f, 1f, 8f], ["cos_theta", "sin_theta", "theta_dot"]),
        new BoxSpace([-2f], [2f], ["torque"]),
        TimeSpan.FromMilliseconds(50), [0f]);

    public GateHarness(SafetyGateOptions? options = null, ISafetyPredictor? model = null, RobotSpec? spec = null, ILogger? logger = null)
    {
        Spec = spec ?? PendulumSpec();
        Gate = SafetyGate.Create(Spec, model, options, EStop, Time, logger ?? Log);
        State = new StateBuffer(Spec.ObservationSpace.Dimension);
        Command = new CommandBuffer(Spec.ActionSpace.Dimension);
    }

    public RobotSpec Spec { get; }
    public FakeTimeProvider Time { get; } = new();
    public EStopLatch EStop { get; } = new();
    public CapturingLogger Log { get; } = new();
    public RecordingDriver Driver { get; } = new();
    public SafetyGate Gate { get; }
    public StateBuffer State { get; }
    public CommandBuffer Command { get; }

    /// <summary>One loop tick with a new state that arrives now (or keeps its old arrival time when not <paramref name="fresh"/>).</summary>
    public ReceivedCommand Tick(float[] obs, float[] proposed, float[]? candidates = null, bool fresh = true)
    {
        obs.CopyTo(State.Obs);
        State.Seq++;
        if (fresh) State.ReceivedTimestamp = Time.GetTimestamp();
        Command.StateSeq = State.Seq;
        Gate.Apply(State, proposed, candidates ?? [], Command);
        Driver.Write(Command);
        return Driver.Last;
    }

    /// <summary>An in-distribution pendulum observation at angle <paramref name="theta"/> and speed <paramref name="thdot"/>.</summary>
    public static float[] Obs(float theta = 0.3f, float thdot = 0.5f) => [MathF.Cos(theta), MathF.Sin(theta), thdot];
}
