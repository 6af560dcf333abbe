using Robotics.Core.Robots;
using Robotics.Sim.Environments;

namespace Robotics.Sim.Drivers;

/// <summary>
/// The in-process simulator as a robot: an <see cref="IEnvironment"/> behind <see cref="IRobotDriver"/>,
/// stepping in lock-step with the commands it receives.
/// <para>
/// Activation resets the environment and publishes the first state. Each <see cref="Write"/> steps the
/// environment with the command's action and publishes the new state: Seq increments, Time is the simulated
/// time since the episode started (steps x control period), Reward/Terminated/Truncated describe that
/// transition, and ReceivedTimestamp comes from the injected <see cref="TimeProvider"/>. After a state with
/// Terminated or Truncated, the next Write resets the environment with the next seed of the injected seed
/// sequence and publishes the first state of the new episode without applying that command's action.
/// </para>
/// <para>
/// Thread-safe: one writer (the control loop) and any number of readers (e.g. a console view). Nothing on
/// the loop's path locks: the state is handed over through a <see cref="LatestState"/> sequence lock, so
/// the in-process robot behaves like the drivers' robots do, and benchmarks of the loop measure it.
/// </para>
/// </summary>
public sealed class SimDriver : IRobotDriver
{
    private readonly string _robotId;
    private readonly TimeProvider _time;
    private readonly Func<int> _episodeSeeds;
    private readonly Lock _lifecycle = new(); // activation vs shutdown; never taken by Write or TryRead
    private readonly LatestState _latest;
    private readonly StateBuffer _staging;     // the writer's copy of the state it is about to publish
    private readonly float[] _action;
    private readonly double _period;
    private volatile bool _active;
    private bool _started, _needsReset;
    private int _episodeSteps;

    /// <param name="env">The environment to drive; owned by the caller until disposal.</param>
    /// <param name="robotId">Robot id reported in the spec.</param>
    /// <param name="time">Clock for <see cref="StateBuffer.ReceivedTimestamp"/>.</param>
    /// <param name="episodeSeeds">Called once per episode (not real-time critical, but must not allocate) for the reset seed.</param>
    /// <param name="controlPeriod">The period the spec declares; default the environment's (a shorter one exercises fast loops).</param>
    public SimDriver(IEnvironment env, string robotId, TimeProvider time, Func<int> episodeSeeds, TimeSpan? controlPeriod = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(episodeSeeds);
        if (string.IsNullOrWhiteSpace(robotId)) throw new ArgumentException("sim driver: robot id is empty", nameof(robotId));
        Environment = env;
        _robotId = robotId;
        _time = time;
        _episodeSeeds = episodeSeeds;
        if (controlPeriod is { } p && p <= TimeSpan.Zero) throw new ArgumentException($"sim driver: control period must be positive, got {p}", nameof(controlPeriod));
        Spec = env.ToSpec(robotId) with { ControlPeriod = controlPeriod ?? env.ControlPeriod };
        _period = Spec.ControlPeriod.TotalSeconds;
        _latest = new LatestState(env.ObservationSpace.Dimension);
        _staging = new StateBuffer(env.ObservationSpace.Dimension);
        _action = new float[env.ActionSpace.Dimension];
    }

    /// <summary>What <see cref="ConfigureAsync"/> returns.</summary>
    public RobotSpec Spec { get; }

    /// <summary>Seeds first, first + 1, first + 2, ... (one per episode).</summary>
    public static Func<int> SequentialSeeds(int first)
    {
        int next = first;
        return () => next++;
    }

    /// <summary>The simulated environment, for console views (read its state; do not step it).</summary>
    public IEnvironment Environment { get; }

    /// <summary>Episodes started since activation (1 after activation).</summary>
    public int Episode { get; private set; }

    /// <summary>Sum of rewards in the current episode.</summary>
    public double EpisodeReturn { get; private set; }

    /// <summary>Seed used for the current episode's reset.</summary>
    public int EpisodeSeed { get; private set; }

    /// <summary>The action last applied to the environment (not the ignored reset command).</summary>
    public ReadOnlySpan<float> LastAction => _action;

    public ValueTask<RobotSpec> ConfigureAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Spec);
    }

    public ValueTask ActivateAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lifecycle)
        {
            if (!_started)
            {
                _started = true;
                ResetEpisode();
            }
            _active = true;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DeactivateAsync(CancellationToken ct)
    {
        _active = false;
        return ValueTask.CompletedTask;
    }

    public ValueTask ShutdownAsync(CancellationToken ct)
    {
        _active = false;
        _latest.WakeWaiters();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ShutdownAsync(CancellationToken.None);

    /// <summary>Real-time, allocation-free, lock-free.</summary>
    public bool TryRead(StateBuffer state, long afterSeq) => _latest.TryRead(state, afterSeq);

    /// <summary>Not real-time. True at once when a newer state exists; otherwise waits for the next Write.</summary>
    public ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct) =>
        _latest.WaitAsync(afterSeq, timeout, _time, ct);

    /// <summary>
    /// Real-time, allocation-free. Steps the environment with the command's action (clipped by the
    /// environment) and publishes the new state, or resets after a finished episode (action not applied).
    /// </summary>
    public void Write(CommandBuffer command)
    {
        if (command.Action.Length != _action.Length) ThrowWrongLength(command.Action.Length);
        if (!_active) ThrowInactive();
        if (_needsReset)
        {
            ResetEpisode();
            return;
        }
        command.Action.AsSpan().CopyTo(_action);
        StepResult r = Environment.Step(_action, _staging.Obs);
        _episodeSteps++;
        EpisodeReturn += r.Reward;
        _needsReset = r.Done;
        Publish(r.Reward, r.Terminated, r.Truncated);
    }

    private void ResetEpisode()
    {
        EpisodeSeed = _episodeSeeds();
        Environment.Reset(EpisodeSeed, _staging.Obs);
        Episode++;
        EpisodeReturn = 0;
        _episodeSteps = 0;
        _needsReset = false;
        Publish(0f, false, false);
    }

    private void Publish(float reward, bool terminated, bool truncated)
    {
        _staging.Seq++;
        _staging.Time = _episodeSteps * _period;
        _staging.Reward = reward;
        _staging.Terminated = terminated;
        _staging.Truncated = truncated;
        _staging.ReceivedTimestamp = _time.GetTimestamp();
        _latest.Publish(_staging);
    }

    private void ThrowWrongLength(int got) =>
        throw new ArgumentException($"sim driver '{_robotId}': command has {got} action values, {Environment.Id} expects {_action.Length}");

    private void ThrowInactive() =>
        throw new InvalidOperationException($"sim driver '{_robotId}': Write before ActivateAsync or after DeactivateAsync");
}
