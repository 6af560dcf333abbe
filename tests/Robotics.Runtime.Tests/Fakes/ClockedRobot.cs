using Robotics.Core.Robots;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Fakes;

/// <summary>
/// A real-time robot whose clock the test drives: <see cref="Step"/> applies the newest command it holds (the
/// safe action before any) and publishes the next state through core's <see cref="LatestState"/>, stamped on
/// the given clock. Records when each command arrived and which state it answered.
/// </summary>
public sealed class ClockedRobot(IEnvironment env, TimeProvider time) : IRobotDriver
{
    private readonly LatestState _latest = new(env.ObservationSpace.Dimension);
    private readonly StateBuffer _staging = new(env.ObservationSpace.Dimension);
    private readonly float[] _action = new float[env.ActionSpace.Dimension];
    private bool _done;

    public List<(long StateSeq, long At, float[] Action)> Commands { get; } = [];
    public int Writes => Commands.Count;
    public long Seq => _staging.Seq;

    public ValueTask<RobotSpec> ConfigureAsync(CancellationToken ct) => ValueTask.FromResult(env.ToSpec("clocked"));
    public ValueTask ActivateAsync(CancellationToken ct) => ValueTask.CompletedTask;
    public ValueTask DeactivateAsync(CancellationToken ct) => ValueTask.CompletedTask;
    public ValueTask ShutdownAsync(CancellationToken ct) => ValueTask.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    public bool TryRead(StateBuffer state, long afterSeq) => _latest.TryRead(state, afterSeq);
    public ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct) => _latest.WaitAsync(afterSeq, timeout, time, ct);

    public void Write(CommandBuffer command)
    {
        lock (Commands) Commands.Add((command.StateSeq, time.GetTimestamp(), (float[])command.Action.Clone()));
        command.Action.AsSpan().CopyTo(_action);
    }

    /// <summary>The first state of an episode (seq 1 on a fresh robot).</summary>
    public void Start(int seed = 0)
    {
        env.Reset(seed, _staging.Obs);
        _done = false;
        Publish(0, false, false);
    }

    /// <summary>True once the robot's episode ended (it waits for a command answering the final state).</summary>
    public bool Done => _done;
    /// <summary>Sum of every published reward of the current episode (the robot's own return).</summary>
    public double EpisodeReturn { get; private set; }

    /// <summary>
    /// <paramref name="count"/> robot steps on the robot's clock, published back to back (a loop reading only the
    /// newest state misses all but the last). After the end of an episode, a step resets (next state, reward 0).
    /// </summary>
    public void Step(int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            if (_done) { Start(); EpisodeReturn = 0; return; }
            var r = env.Step(_action, _staging.Obs);
            _done = r.Done;
            EpisodeReturn += r.Reward;
            Publish(r.Reward, r.Terminated, r.Truncated);
        }
    }

    private void Publish(float reward, bool terminated, bool truncated)
    {
        _staging.Seq++;
        _staging.Reward = reward;
        _staging.Terminated = terminated;
        _staging.Truncated = truncated;
        _staging.ReceivedTimestamp = time.GetTimestamp();
        _latest.Publish(_staging);
    }
}
