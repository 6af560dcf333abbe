using Robotics.Core.Spaces;

namespace Robotics.Runtime.Planning.Mcts;

/// <summary>
/// The actions a node branches on: a fixed grid (k evenly spaced values per dimension, from low to high;
/// one value = the centre) or, for sampled MCTS, k actions drawn uniformly in the box at each expansion.
/// Unbounded dimensions span centre 0 +- 1. Rollouts draw their actions from the same set.
/// </summary>
public sealed class MctsActionSet
{
    private readonly float[] _low, _high, _grid;
    private readonly Random _rng;

    public MctsActionSet(BoxSpace space, MctsOptions options, Random rng)
    {
        ActDim = space.Dimension;
        Sampled = options.SampledActions > 0;
        Count = options.Branching(ActDim);
        if (Count > options.MaxBranching)
            throw new ArgumentException($"mcts: {options.DiscreteActions} discrete actions over {ActDim} dimensions is {Count} actions per node, above max branching {options.MaxBranching}");
        _rng = rng;
        _low = new float[ActDim]; _high = new float[ActDim];
        for (int j = 0; j < ActDim; j++)
        {
            bool finite = float.IsFinite(space.Low[j]) && float.IsFinite(space.High[j]);
            _low[j] = finite ? space.Low[j] : -1f;
            _high[j] = finite ? space.High[j] : 1f;
        }
        _grid = new float[Sampled ? 0 : Count * ActDim];
        for (int i = 0; i < (Sampled ? 0 : Count); i++)
        {
            int rest = i;
            for (int j = 0; j < ActDim; j++)
            {
                int k = options.DiscreteActions, idx = rest % k;
                rest /= k;
                _grid[i * ActDim + j] = k == 1 ? 0.5f * (_low[j] + _high[j]) : _low[j] + (_high[j] - _low[j]) * idx / (k - 1);
            }
        }
    }

    public int ActDim { get; }
    /// <summary>Actions per node.</summary>
    public int Count { get; }
    public bool Sampled { get; }

    /// <summary>Hot path, allocation-free. Writes a node's <see cref="Count"/> actions [Count, act_dim].</summary>
    public void Fill(Span<float> actions)
    {
        if (!Sampled) { _grid.CopyTo(actions); return; }
        for (int i = 0; i < Count; i++) Uniform(actions.Slice(i * ActDim, ActDim));
    }

    /// <summary>Hot path, allocation-free. One rollout action: a random grid point, or uniform in the box.</summary>
    public void Random(Span<float> action)
    {
        if (Sampled) { Uniform(action); return; }
        _grid.AsSpan(_rng.Next(Count) * ActDim, ActDim).CopyTo(action);
    }

    private void Uniform(Span<float> a)
    {
        for (int j = 0; j < ActDim; j++) a[j] = Math.Clamp(_low[j] + (float)_rng.NextDouble() * (_high[j] - _low[j]), _low[j], _high[j]);
    }
}
