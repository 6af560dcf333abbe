using Robotics.Core.Robots;

namespace Robotics.Runtime.Demo;

/// <summary>
/// A driver decorator that lets a console view watch the control loop without touching it: every state
/// the loop reads and every command it writes is copied into plain fields that a UI thread samples. Fields
/// are written one by one (no lock), so a sample may mix two adjacent ticks; fine for a display, never used
/// for control. Also keeps the running return and the read -> write time (plan + gate) of the last tick.
/// </summary>
public sealed class TelemetryTap(IRobotDriver inner, TimeProvider time) : IRobotDriver
{
    private float[] _obs = [];
    private float[] _action = [];
    private long _readAt;
    private double _return, _tickMs;
    private long _steps;
    private bool _commanded;
    private int _safety;

    public IRobotDriver Inner => inner;

    /// <summary>Not real-time. Sizes the snapshot and clears the running return; call before each episode.</summary>
    public void BeginEpisode(RobotSpec spec)
    {
        if (_obs.Length != spec.ObservationSpace.Dimension) _obs = new float[spec.ObservationSpace.Dimension];
        if (_action.Length != spec.ActionSpace.Dimension) _action = new float[spec.ActionSpace.Dimension];
        Volatile.Write(ref _return, 0);
        Volatile.Write(ref _steps, 0);
        _commanded = false;
    }

    /// <summary>Copies the latest observation into <paramref name="obs"/> (UI side).</summary>
    public void SampleObservation(Span<float> obs) => _obs.AsSpan(0, Math.Min(obs.Length, _obs.Length)).CopyTo(obs);
    public void SampleAction(Span<float> action) => _action.AsSpan(0, Math.Min(action.Length, _action.Length)).CopyTo(action);
    public SafetyDecision LastDecision => (SafetyDecision)Volatile.Read(ref _safety);
    public double Return => Volatile.Read(ref _return);
    /// <summary>Transitions completed in this episode (states read that answer a command).</summary>
    public long Steps => Volatile.Read(ref _steps);
    /// <summary>Read of the last state -> its command written: plan plus gate, in milliseconds.</summary>
    public double LastTickMs => Volatile.Read(ref _tickMs);

    public ValueTask<RobotSpec> ConfigureAsync(CancellationToken ct) => inner.ConfigureAsync(ct);
    public ValueTask ActivateAsync(CancellationToken ct) => inner.ActivateAsync(ct);
    public ValueTask DeactivateAsync(CancellationToken ct) => inner.DeactivateAsync(ct);
    public ValueTask ShutdownAsync(CancellationToken ct) => inner.ShutdownAsync(ct);
    public ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct) => inner.WaitForStateAsync(afterSeq, timeout, ct);
    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>Hot path, real-time, allocation-free: the inner read plus a copy for the view.</summary>
    public bool TryRead(StateBuffer state, long afterSeq)
    {
        if (!inner.TryRead(state, afterSeq)) return false;
        _readAt = time.GetTimestamp();
        int n = Math.Min(_obs.Length, state.Obs.Length);
        for (int i = 0; i < n; i++) _obs[i] = state.Obs[i];
        if (_commanded)
        {
            Volatile.Write(ref _return, _return + state.Reward);
            Volatile.Write(ref _steps, _steps + 1);
            _commanded = false;
        }
        return true;
    }

    /// <summary>Hot path, real-time, allocation-free: the inner write plus a copy for the view.</summary>
    public void Write(CommandBuffer command)
    {
        inner.Write(command);
        int n = Math.Min(_action.Length, command.Action.Length);
        for (int i = 0; i < n; i++) _action[i] = command.Action[i];
        Volatile.Write(ref _safety, (int)command.Safety);
        if (_readAt != 0) Volatile.Write(ref _tickMs, time.GetElapsedTime(_readAt).TotalMilliseconds);
        _commanded = true;
    }
}
