using static TorchSharp.torch;

namespace Robotics.Trainer.TdMpc2;

/// <summary>
/// Episodes stored as flat arrays (allocated once for the run's step budget and written by index), sampled
/// as sub-trajectories of H + 1 observations, H actions and H rewards that stay inside one episode, as
/// the reference's slice sampler. Each episode keeps its start observation, so an episode of T steps
/// holds T + 1 observation rows; a slice can start at any of its first T - H + 1 steps once they exist.
/// </summary>
internal sealed class SliceReplayBuffer : OffPolicy.IExperienceSink
{
    private readonly float[] _obs, _act, _rew, _term;
    private readonly int[] _starts; // obs row of each valid slice start
    private readonly int[] _startStep; // step row (action/reward) of each valid slice start
    private readonly int _obsDim, _actDim, _horizon;
    private int _obsRows, _stepRows, _startCount, _episodeObsStart = -1, _episodeStepStart;

    public SliceReplayBuffer(int capacitySteps, int maxEpisodes, int obsDim, int actDim, int horizon)
    {
        _obsDim = obsDim; _actDim = actDim; _horizon = horizon;
        _obs = new float[(capacitySteps + maxEpisodes) * obsDim];
        _act = new float[capacitySteps * actDim];
        _rew = new float[capacitySteps];
        _term = new float[capacitySteps];
        _starts = new int[capacitySteps];
        _startStep = new int[capacitySteps];
    }

    public int Steps => _stepRows;
    public int SliceCount => _startCount;

    /// <summary>Starts an episode at <paramref name="obs"/>.</summary>
    public void BeginEpisode(ReadOnlySpan<float> obs)
    {
        _episodeObsStart = _obsRows;
        _episodeStepStart = _stepRows;
        obs.CopyTo(_obs.AsSpan(_obsRows++ * _obsDim, _obsDim));
    }

    /// <summary>Appends one step of the current episode (action in [-1, 1], reward, the observation it led to).</summary>
    public void Add(ReadOnlySpan<float> action, float reward, bool terminated, ReadOnlySpan<float> nextObs)
    {
        if (_episodeObsStart < 0) throw new InvalidOperationException("replay: Add before BeginEpisode");
        action.CopyTo(_act.AsSpan(_stepRows * _actDim, _actDim));
        _rew[_stepRows] = reward;
        _term[_stepRows] = terminated ? 1f : 0f;
        _stepRows++;
        nextObs.CopyTo(_obs.AsSpan(_obsRows++ * _obsDim, _obsDim));
        int stepsInEpisode = _stepRows - _episodeStepStart;
        if (stepsInEpisode >= _horizon)
        {
            int s = stepsInEpisode - _horizon; // slice starting at step s of this episode is now complete
            _starts[_startCount] = _episodeObsStart + s;
            _startStep[_startCount] = _episodeStepStart + s;
            _startCount++;
        }
    }

    /// <summary>As <see cref="Add(ReadOnlySpan{float}, float, bool, ReadOnlySpan{float})"/>, for <see cref="OffPolicy.EnvInteraction"/> (DreamerV3).</summary>
    public void Add(ReadOnlySpan<float> obs, ReadOnlySpan<float> action, float reward, ReadOnlySpan<float> next, bool terminal) =>
        Add(action, reward, terminal, next);

    void OffPolicy.IExperienceSink.BeginEpisode(ReadOnlySpan<float> obs) => BeginEpisode(obs);

    /// <summary>SHA-256 (hex) over the stored observations, actions and rewards: the card's training-data digest.</summary>
    public string Digest()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_obs.AsSpan(0, _obsRows * _obsDim)));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_act.AsSpan(0, _stepRows * _actDim)));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_rew.AsSpan(0, _stepRows)));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// A batch of <paramref name="batch"/> slices drawn uniformly with replacement: obs [H+1, B, obs],
    /// action [H, B, act], reward [H, B], terminated [H, B] (time-major, as the losses unroll them).
    /// </summary>
    public (Tensor Obs, Tensor Action, Tensor Reward, Tensor Terminated) Sample(int batch, Random rng)
    {
        if (_startCount == 0) throw new InvalidOperationException($"replay: no complete slice of {_horizon} steps yet");
        int h = _horizon;
        var obs = new float[(h + 1) * batch * _obsDim];
        var act = new float[h * batch * _actDim];
        var rew = new float[h * batch];
        var term = new float[h * batch];
        for (int b = 0; b < batch; b++)
        {
            int k = rng.Next(_startCount), o0 = _starts[k], s0 = _startStep[k];
            for (int t = 0; t <= h; t++)
                Array.Copy(_obs, (o0 + t) * _obsDim, obs, (t * batch + b) * _obsDim, _obsDim);
            for (int t = 0; t < h; t++)
            {
                Array.Copy(_act, (s0 + t) * _actDim, act, (t * batch + b) * _actDim, _actDim);
                rew[t * batch + b] = _rew[s0 + t];
                term[t * batch + b] = _term[s0 + t];
            }
        }
        return (tensor(obs, [h + 1, batch, _obsDim]), tensor(act, [h, batch, _actDim]), tensor(rew, [h, batch]), tensor(term, [h, batch]));
    }
}
