using Robotics.Core.Robots;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Benchmarks;

/// <summary>
/// An environment as a robot for single-threaded benchmarks and tests of the loop itself: no locks, no
/// transport, lock-step (each <see cref="Write"/> steps the environment; after a finished episode the next
/// Write resets it instead). The control period can differ from the environment's, to exercise fast loops.
/// </summary>
public sealed class InProcessEnvDriver : IRobotDriver
{
    private readonly IEnvironment _env;
    private readonly StateBuffer _latest;
    private readonly TimeProvider _time;
    private int _steps;

    public InProcessEnvDriver(IEnvironment env, TimeSpan controlPeriod, TimeProvider time)
    {
        _env = env;
        _time = time;
        _latest = new StateBuffer(env.ObservationSpace.Dimension);
        Spec = env.ToSpec("in-process") with { ControlPeriod = controlPeriod };
    }

    public RobotSpec Spec { get; }

    public ValueTask<RobotSpec> ConfigureAsync(CancellationToken ct) => ValueTask.FromResult(Spec);

    public ValueTask ActivateAsync(CancellationToken ct)
    {
        Reset();
        return ValueTask.CompletedTask;
    }

    public ValueTask DeactivateAsync(CancellationToken ct) => ValueTask.CompletedTask;
    public ValueTask ShutdownAsync(CancellationToken ct) => ValueTask.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Real-time, allocation-free.</summary>
    public bool TryRead(StateBuffer state, long afterSeq)
    {
        if (_latest.Seq <= afterSeq) return false;
        _latest.CopyTo(state);
        return true;
    }

    public ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct) =>
        ValueTask.FromResult(_latest.Seq > afterSeq);

    /// <summary>Real-time, allocation-free: steps the environment (or resets it after a finished episode).</summary>
    public void Write(CommandBuffer command)
    {
        if (_latest.Terminated || _latest.Truncated) { Reset(); return; }
        StepResult r = _env.Step(command.Action, _latest.Obs);
        _steps++;
        Publish(r.Reward, r.Terminated, r.Truncated);
    }

    private void Reset()
    {
        _env.Reset(null, _latest.Obs);
        _steps = 0;
        Publish(0, false, false);
    }

    private void Publish(float reward, bool terminated, bool truncated)
    {
        _latest.Seq++;
        _latest.Time = _steps * Spec.ControlPeriod.TotalSeconds;
        _latest.Reward = reward;
        _latest.Terminated = terminated;
        _latest.Truncated = truncated;
        _latest.ReceivedTimestamp = _time.GetTimestamp();
    }
}
