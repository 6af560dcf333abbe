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
/// <para>Thread-safe: one writer and any number of readers (e.g. a console view).</para>
/// </summary>
public sealed class SimDriver : IRobotDriver
{
    private readonly string _robotId;
    private readonly TimeProvider _time;
    private readonly Func<int> _episodeSeeds;
    private readonly Lock _gate = new();
    private readonly StateBuffer _latest;
    private readonly float[] _action;
    private TaskCompletionSource? _waiter; // set only while someone awaits a state; completed by the next publish
    private bool _active, _started, _needsReset;
    private int _episodeSteps;

    /// <param name="env">The environment to drive; owned by the caller until disposal.</param>
    /// <param name="robotId">Robot id reported in the spec.</param>
    /// <param name="time">Clock for <see cref="StateBuffer.ReceivedTimestamp"/>.</param>
    /// <param name="episodeSeeds">Called once per episode (not real-time critical, but must not allocate) for the reset seed.</param>
    public SimDriver(IEnvironment env, string robotId, TimeProvider time, Func<int> episodeSeeds)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(episodeSeeds);
        if (string.IsNullOrWhiteSpace(robotId)) throw new ArgumentException("sim driver: robot id is empty", nameof(robotId));
        Environment = env;
        _robotId = robotId;
        _time = time;
        _episodeSeeds = episodeSeeds;
        _latest = new StateBuffer(env.ObservationSpace.Dimension);
        _action = new float[env.ActionSpace.Dimension];
    }

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
        return ValueTask.FromResult(Environment.ToSpec(_robotId));
    }

    public ValueTask ActivateAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
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
        lock (_gate) _active = false;
        return ValueTask.CompletedTask;
    }

    public ValueTask ShutdownAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            _active = false;
            _waiter?.TrySetResult();
            _waiter = null;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ShutdownAsync(CancellationToken.None);

    /// <summary>Real-time, non-blocking, allocation-free.</summary>
    public bool TryRead(StateBuffer state, long afterSeq)
    {
        lock (_gate)
        {
            if (_latest.Seq <= afterSeq) return false;
            _latest.CopyTo(state);
            return true;
        }
    }

    /// <summary>Not real-time. True at once when a newer state exists; otherwise waits for the next Write.</summary>
    public async ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct)
    {
        Task signal;
        lock (_gate)
        {
            if (_latest.Seq > afterSeq) return true;
            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            signal = _waiter.Task;
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(timeout, _time, cts.Token);
        await Task.WhenAny(signal, delay).ConfigureAwait(false);
        cts.Cancel();
        ct.ThrowIfCancellationRequested();
        lock (_gate) return _latest.Seq > afterSeq;
    }

    /// <summary>
    /// Real-time, allocation-free. Steps the environment with the command's action (clipped by the
    /// environment) and publishes the new state, or resets after a finished episode (action not applied).
    /// </summary>
    public void Write(CommandBuffer command)
    {
        if (command.Action.Length != _action.Length) ThrowWrongLength(command.Action.Length);
        lock (_gate)
        {
            if (!_active) ThrowInactive();
            if (_needsReset)
            {
                ResetEpisode();
                return;
            }
            command.Action.AsSpan().CopyTo(_action);
            StepResult r = Environment.Step(_action, _latest.Obs);
            _episodeSteps++;
            EpisodeReturn += r.Reward;
            _needsReset = r.Done;
            Publish(r.Reward, r.Terminated, r.Truncated);
        }
    }

    private void ResetEpisode()
    {
        EpisodeSeed = _episodeSeeds();
        Environment.Reset(EpisodeSeed, _latest.Obs);
        Episode++;
        EpisodeReturn = 0;
        _episodeSteps = 0;
        _needsReset = false;
        Publish(0f, false, false);
    }

    private void Publish(float reward, bool terminated, bool truncated)
    {
        _latest.Seq++;
        _latest.Time = _episodeSteps * Environment.ControlPeriod.TotalSeconds;
        _latest.Reward = reward;
        _latest.Terminated = terminated;
        _latest.Truncated = truncated;
        _latest.ReceivedTimestamp = _time.GetTimestamp();
        if (_waiter is { } w)
        {
            _waiter = null;
            w.TrySetResult();
        }
    }

    private void ThrowWrongLength(int got) =>
        throw new ArgumentException($"sim driver '{_robotId}': command has {got} action values, {Environment.Id} expects {_action.Length}");

    private void ThrowInactive() =>
        throw new InvalidOperationException($"sim driver '{_robotId}': Write before ActivateAsync or after DeactivateAsync");
}
