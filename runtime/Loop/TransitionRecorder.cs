using Robotics.Core.Episodes;
using Robotics.Core.Robots;

namespace Robotics.Runtime.Loop;

/// <summary>
/// Holds one episode's transitions as structure-of-arrays, allocated once for the longest episode, written
/// by index in the control loop; <see cref="ToEpisode"/> builds the Parquet-ready records after the episode.
/// One writer (the loop) and one concurrent reader are allowed: a row is complete before <see cref="Count"/>
/// moves past it, so <see cref="Slice"/> can copy rows below <c>Count</c> off the loop's thread (the episode
/// flusher) while the loop appends; <see cref="Clear"/> and <see cref="TruncateLast"/> only while no one reads.
/// </summary>
public sealed class TransitionRecorder
{
    private readonly int _obsDim, _actDim;
    private readonly double[] _time;
    private readonly float[] _obs, _action, _proposed, _reward, _nextObs;
    private readonly bool[] _terminated, _truncated;
    private readonly SafetyDecision[] _safety;

    public TransitionRecorder(int capacity, int obsDim, int actDim)
    {
        Capacity = capacity;
        _obsDim = obsDim; _actDim = actDim;
        _time = new double[capacity];
        _obs = new float[capacity * obsDim];
        _action = new float[capacity * actDim];
        _proposed = new float[capacity * actDim];
        _reward = new float[capacity];
        _nextObs = new float[capacity * obsDim];
        _terminated = new bool[capacity]; _truncated = new bool[capacity]; _safety = new SafetyDecision[capacity];
    }

    public int Capacity { get; }
    private int _count;

    /// <summary>Rows recorded so far; read with acquire semantics, so every row below it is complete.</summary>
    public int Count => Volatile.Read(ref _count);
    public bool IsFull => Count == Capacity;

    public void Clear() => Volatile.Write(ref _count, 0);

    /// <summary>
    /// Hot path, allocation-free. Appends one transition; the caller keeps <see cref="Count"/> below capacity.
    /// <paramref name="proposed"/>: what the gate judged (<see cref="CommandBuffer.Proposed"/>).
    /// </summary>
    public void Add(double time, ReadOnlySpan<float> obs, ReadOnlySpan<float> action, float reward,
                    ReadOnlySpan<float> nextObs, bool terminated, bool truncated, SafetyDecision safety,
                    ReadOnlySpan<float> proposed)
    {
        int i = _count;
        _time[i] = time;
        obs.CopyTo(_obs.AsSpan(i * _obsDim, _obsDim));
        action.CopyTo(_action.AsSpan(i * _actDim, _actDim));
        proposed.CopyTo(_proposed.AsSpan(i * _actDim, _actDim));
        _reward[i] = reward;
        nextObs.CopyTo(_nextObs.AsSpan(i * _obsDim, _obsDim));
        _terminated[i] = terminated; _truncated[i] = truncated; _safety[i] = safety;
        Volatile.Write(ref _count, i + 1); // release: the row is complete before a reader can see it
    }

    /// <summary>
    /// Hot path. Marks the last transition truncated (the loop cut the episode). A concurrent <see cref="Slice"/>
    /// may copy the flag before or after; the episode handed over at its end has it.
    /// </summary>
    public void TruncateLast()
    {
        if (_count > 0) _truncated[_count - 1] = true;
    }

    /// <summary>Not real-time: allocates the records.</summary>
    public Episode ToEpisode(long id, DataSource source, string robotId) => new(id, Slice(id, 0, Count, source, robotId));

    /// <summary>Not real-time: the records of rows [<paramref name="from"/>, <paramref name="to"/>), which must be below <see cref="Count"/>.</summary>
    public Transition[] Slice(long id, int from, int to, DataSource source, string robotId)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(to, Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        var list = new Transition[to - from];
        for (int i = from; i < to; i++)
            list[i - from] = new Transition(id, i, _time[i],
                _obs.AsSpan(i * _obsDim, _obsDim).ToArray(), _action.AsSpan(i * _actDim, _actDim).ToArray(),
                _reward[i], _nextObs.AsSpan(i * _obsDim, _obsDim).ToArray(),
                _terminated[i], _truncated[i], source, robotId, Transition.Replaces(_safety[i]), _safety[i],
                _proposed.AsSpan(i * _actDim, _actDim).ToArray());
        return list;
    }
}
