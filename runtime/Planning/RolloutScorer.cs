using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Planning;

/// <summary>
/// Rolls a batch of candidate action sequences [P, H, act_dim] through the world model step by step and
/// sums every cost term into one cost per candidate. Observations live in the model's own input buffer,
/// so a step copies only the actions in and (for <see cref="ParticleMode.RandomMember"/>) the chosen
/// member's prediction out. All buffers are sized once for <c>maxParticles</c>.
/// </summary>
public sealed class RolloutScorer
{
    /// <summary>Cost given to a candidate whose rollout produced NaN/Inf, so it is never chosen.</summary>
    public const float InvalidCost = 1e30f;

    private readonly IBatchedWorldModel _model;
    private readonly ICostTerm[] _costs;
    private readonly ParticleMode _mode;
    private readonly Random _rng;
    private readonly int _obsDim, _actDim, _horizon;
    private readonly float[] _prevActions, _nextMember, _lastSent;
    private IRolloutModel? _fused;

    public RolloutScorer(IBatchedWorldModel model, IReadOnlyList<ICostTerm> costs, int horizon, int maxParticles,
                         ParticleMode mode, Random rng)
    {
        if (costs.Count == 0) throw new ArgumentException("planner: at least one cost term is needed");
        if (maxParticles > model.MaxBatch)
            throw new ArgumentException($"planner batch of {maxParticles} exceeds the world model's max batch {model.MaxBatch}");
        _model = model;
        _costs = [.. costs];
        _mode = mode;
        _rng = rng;
        _obsDim = model.ObsDim;
        _actDim = model.ActDim;
        _horizon = horizon;
        _prevActions = new float[maxParticles * _actDim];
        _nextMember = new float[maxParticles * _obsDim];
        _lastSent = new float[_actDim];
    }

    /// <summary>The action last sent to the robot; the action-rate cost compares step 0 against it.</summary>
    public Span<float> LastSent => _lastSent;

    /// <summary>
    /// Not real-time. From now on score each batch with one call of <paramref name="rollout"/> (the fused
    /// rollout graph), which must have been built for this horizon and the same cost terms (see
    /// RolloutCosts). Only the "average" particle mode is fused; TS-1 keeps the step-by-step path.
    /// </summary>
    public void UseFusedRollout(IRolloutModel rollout)
    {
        if (_mode != ParticleMode.Average)
            throw new ArgumentException($"planner: the fused rollout averages members; particle mode {_mode} needs the step-by-step path");
        if (rollout.Horizon != _horizon || rollout.ObsDim != _obsDim || rollout.ActDim != _actDim)
            throw new ArgumentException($"planner: rollout model is horizon {rollout.Horizon}, obs {rollout.ObsDim}, act {rollout.ActDim}; planner is {_horizon}, {_obsDim}, {_actDim}");
        if (rollout.MaxBatch * _actDim < _prevActions.Length)
            throw new ArgumentException($"planner batch of {_prevActions.Length / _actDim} exceeds the rollout model's max batch {rollout.MaxBatch}");
        _fused = rollout;
    }

    /// <summary>True when batches are scored by a fused rollout model.</summary>
    public bool IsFused => _fused is not null;

    /// <summary>
    /// Hot path, allocation-free. Scores <paramref name="count"/> sequences (layout [count, H, act_dim])
    /// from observation <paramref name="obs0"/>; writes <paramref name="cost"/> [count].
    /// </summary>
    public void Score(ReadOnlySpan<float> obs0, ReadOnlySpan<float> sequences, int count, Span<float> cost)
    {
        int o = _obsDim, a = _actDim, h = _horizon;
        if (_fused is not null)
        {
            _fused.Score(obs0, sequences, count, _lastSent, cost);
            ReplaceNonFinite(cost, count);
            return;
        }
        Span<float> obsIn = _model.ObsInput(count);
        Span<float> prev = _prevActions.AsSpan(0, count * a);
        for (int p = 0; p < count; p++)
        {
            obs0.CopyTo(obsIn.Slice(p * o, o));
            _lastSent.CopyTo(prev.Slice(p * a, a));
        }
        cost[..count].Clear();

        for (int t = 0; t < h; t++)
        {
            Span<float> actIn = _model.ActionInput(count);
            for (int p = 0; p < count; p++)
                sequences.Slice((p * h + t) * a, a).CopyTo(actIn.Slice(p * a, a));
            _model.Run(count);
            ReadOnlySpan<float> next = _mode == ParticleMode.Average ? _model.NextObsMean(count) : PickMembers(count);
            var x = new CostInputs(t, count, obsIn, actIn, prev, next, _model.Reward(count), _model.Disagreement(count));
            for (int c = 0; c < _costs.Length; c++) _costs[c].Add(x, cost);
            actIn.CopyTo(prev);
            next.CopyTo(obsIn);
        }
        ReplaceNonFinite(cost, count);
    }

    private static void ReplaceNonFinite(Span<float> cost, int count)
    {
        for (int p = 0; p < count; p++)
            if (!float.IsFinite(cost[p])) cost[p] = InvalidCost;
    }

    /// <summary>Hot path. TS-1: each particle takes the prediction of one member drawn afresh this step.</summary>
    private ReadOnlySpan<float> PickMembers(int count)
    {
        ReadOnlySpan<float> members = _model.NextObsMembers(count);
        int e = _model.Members, o = _obsDim;
        for (int p = 0; p < count; p++)
        {
            int m = e == 1 ? 0 : _rng.Next(e);
            members.Slice((m * count + p) * o, o).CopyTo(_nextMember.AsSpan(p * o, o));
        }
        return _nextMember.AsSpan(0, count * o);
    }
}
