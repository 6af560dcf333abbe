using Robotics.Core.Robots;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Fakes;

/// <summary>
/// An environment as a lock-step robot (Write steps, the next Write after a done state resets) that counts
/// the commands it receives and optionally keeps them. Allocation-free when <see cref="KeepCommands"/> is off.
/// </summary>
public sealed class LockstepEnvDriver(IEnvironment env, int firstSeed = 0) : IRobotDriver
{
    private readonly StateBuffer _latest = new(env.ObservationSpace.Dimension);
    private readonly float[] _action = new float[env.ActionSpace.Dimension];
    private bool _needsReset, _active;
    private int _seed = firstSeed;

    public IEnvironment Env => env;
    public int Writes { get; private set; }
    public bool KeepCommands { get; init; }
    /// <summary>Never report the end of an episode (for long allocation measurements).</summary>
    public bool Endless { get; init; }
    /// <summary>Stamps each state's ReceivedTimestamp from this clock (the gate's staleness check reads it); null: left 0.</summary>
    public TimeProvider? Stamp { get; init; }
    public List<(float[] Action, SafetyDecision Safety)> Commands { get; } = [];

    public ValueTask<RobotSpec> ConfigureAsync(CancellationToken ct) => ValueTask.FromResult(env.ToSpec("fake"));

    public ValueTask ActivateAsync(CancellationToken ct)
    {
        _active = true;
        Reset();
        return ValueTask.CompletedTask;
    }

    public ValueTask DeactivateAsync(CancellationToken ct) { _active = false; return ValueTask.CompletedTask; }
    public ValueTask ShutdownAsync(CancellationToken ct) { _active = false; return ValueTask.CompletedTask; }
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public bool TryRead(StateBuffer state, long afterSeq)
    {
        if (_latest.Seq <= afterSeq) return false;
        _latest.CopyTo(state);
        return true;
    }

    public ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct) =>
        ValueTask.FromResult(_latest.Seq > afterSeq);

    public void Write(CommandBuffer command)
    {
        if (!_active) throw new InvalidOperationException("write while inactive");
        Writes++;
        if (KeepCommands) Commands.Add(((float[])command.Action.Clone(), command.Safety));
        if (_needsReset) { Reset(); return; }
        command.Action.AsSpan().CopyTo(_action);
        var r = env.Step(_action, _latest.Obs);
        _needsReset = r.Done && !Endless;
        _latest.Seq++;
        _latest.Time += env.ControlPeriod.TotalSeconds;
        _latest.Reward = r.Reward;
        _latest.Terminated = r.Terminated;
        _latest.Truncated = r.Truncated && !Endless;
        if (Stamp is not null) _latest.ReceivedTimestamp = Stamp.GetTimestamp();
    }

    private void Reset()
    {
        env.Reset(_seed++, _latest.Obs);
        _needsReset = false;
        _latest.Seq++;
        _latest.Time = 0;
        _latest.Reward = 0;
        _latest.Terminated = _latest.Truncated = false;
        if (Stamp is not null) _latest.ReceivedTimestamp = Stamp.GetTimestamp();
    }
}
