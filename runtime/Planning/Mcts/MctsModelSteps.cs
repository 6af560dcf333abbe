using Robotics.Core.Tasks;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Planning.Mcts;

/// <summary>
/// What MCTS asks of the world model, in batches: expanding a node (all its K actions from one state in one
/// model call: next observation, reward = minus the summed cost terms, terminal from the task) and a leaf's
/// value (M random rollouts of H steps in lock-step, one model call per step, discounted, stopping at a
/// terminal state). A non-finite prediction is terminal with the worst finite reward of its batch.
/// With <see cref="UseFusedRollout"/> a leaf's value is one call of the fused rollout graph instead (the M random
/// sequences of H steps scored inside ONNX Runtime): one model call per leaf instead of H, so a simulation costs two
/// calls. Built by <see cref="MctsFusedLeaves"/>, the graph weights step t by the discount^t and stops at the task's first
/// predicted terminal state, so both paths compute the same value (a non-finite fused return counts 0 for the whole rollout,
/// where the step-by-step path keeps the steps before it).
/// </summary>
public sealed class MctsModelSteps
{
    private readonly IBatchedWorldModel _model;
    private readonly ICostTerm[] _costs;
    private readonly ITaskDefinition? _task;
    private readonly MctsActionSet _actions;
    private readonly int _o, _a, _rollouts, _depth;
    private readonly float _discount;
    private readonly float[] _cost, _prev, _ret;
    private readonly bool[] _alive;
    private IRolloutModel? _fused;
    private float[] _sequences = [];

    public MctsModelSteps(IBatchedWorldModel model, IReadOnlyList<ICostTerm> costs, ITaskDefinition? task,
                          MctsActionSet actions, MctsOptions options)
    {
        if (costs.Count == 0) throw new ArgumentException("mcts: at least one cost term is needed");
        int batch = Math.Max(actions.Count, options.Rollouts);
        if (batch > model.MaxBatch) throw new ArgumentException($"mcts batch of {batch} exceeds the world model's max batch {model.MaxBatch}");
        _model = model; _costs = [.. costs]; _task = task; _actions = actions;
        _o = model.ObsDim; _a = model.ActDim;
        _rollouts = options.Rollouts; _depth = options.Horizon; _discount = options.Discount;
        _cost = new float[batch]; _prev = new float[batch * _a]; _ret = new float[batch];
        _alive = new bool[batch];
    }

    /// <summary>True when leaf values come from the fused rollout graph.</summary>
    public bool Fused => _fused is not null;

    /// <summary>Not real-time. Leaf values from <paramref name="rollout"/> (built for this horizon and these cost terms) from now on.</summary>
    public void UseFusedRollout(IRolloutModel rollout)
    {
        if (rollout.ObsDim != _o || rollout.ActDim != _a)
            throw new ArgumentException($"mcts: rollout model is {rollout.ObsDim} -> {rollout.ActDim}, world model {_o} -> {_a}");
        if (rollout.Horizon != _depth) throw new ArgumentException($"mcts: rollout model horizon {rollout.Horizon}, rollout depth {_depth}");
        if (_rollouts == 0) throw new ArgumentException("mcts: a fused rollout needs rollouts > 0");
        if (rollout.MaxBatch < _rollouts) throw new ArgumentException($"mcts: {_rollouts} rollouts exceed the rollout model's max batch {rollout.MaxBatch}");
        _sequences = new float[_rollouts * _depth * _a];
        _fused = rollout;
    }

    /// <summary>
    /// Hot path, allocation-free. For node <paramref name="e"/> at <paramref name="state"/> (reached by
    /// <paramref name="previousAction"/>), predicts each slot's next state, reward and terminal flag.
    /// </summary>
    public void Expand(MctsTree tree, int e, ReadOnlySpan<float> state, ReadOnlySpan<float> previousAction)
    {
        int k = tree.K, s0 = e * k;
        Span<float> obsIn = _model.ObsInput(k), actIn = _model.ActionInput(k);
        for (int i = 0; i < k; i++)
        {
            state.CopyTo(obsIn.Slice(i * _o, _o));
            previousAction.CopyTo(_prev.AsSpan(i * _a, _a));
        }
        tree.Actions.AsSpan(s0 * _a, k * _a).CopyTo(actIn);
        ReadOnlySpan<float> next = StepCosts(tree.NodeDepth[e], k, obsIn, actIn);
        next.CopyTo(tree.States.AsSpan(s0 * _o, k * _o));
        float worst = 0;
        bool anyFinite = false;
        for (int i = 0; i < k; i++)
            if (float.IsFinite(_cost[i])) { worst = anyFinite ? Math.Min(worst, -_cost[i]) : -_cost[i]; anyFinite = true; }
        for (int i = 0; i < k; i++)
        {
            ReadOnlySpan<float> n = next.Slice(i * _o, _o);
            bool finite = float.IsFinite(_cost[i]) && AllFinite(n);
            tree.Reward[s0 + i] = finite ? -_cost[i] : worst;
            tree.Terminal[s0 + i] = !finite || (_task?.IsTerminal(n) ?? false);
        }
    }

    /// <summary>Hot path, allocation-free. Mean discounted return of the random rollouts from <paramref name="state"/> (0 without rollouts).</summary>
    public float Value(ReadOnlySpan<float> state, ReadOnlySpan<float> previousAction, int depth)
    {
        int m = _rollouts;
        if (m == 0 || _depth == 0) return 0f;
        if (_fused is not null) return FusedValue(state, previousAction);
        Span<float> obsIn = _model.ObsInput(m);
        for (int i = 0; i < m; i++)
        {
            state.CopyTo(obsIn.Slice(i * _o, _o));
            previousAction.CopyTo(_prev.AsSpan(i * _a, _a));
            _ret[i] = 0; _alive[i] = true;
        }
        float w = 1f;
        for (int t = 0; t < _depth; t++)
        {
            Span<float> actIn = _model.ActionInput(m);
            for (int i = 0; i < m; i++) _actions.Random(actIn.Slice(i * _a, _a));
            ReadOnlySpan<float> next = StepCosts(depth + t, m, obsIn, actIn);
            bool any = false;
            for (int i = 0; i < m; i++)
            {
                if (!_alive[i]) continue;
                ReadOnlySpan<float> n = next.Slice(i * _o, _o);
                if (!float.IsFinite(_cost[i]) || !AllFinite(n)) { _alive[i] = false; continue; }
                _ret[i] += w * -_cost[i];
                if (_task?.IsTerminal(n) ?? false) _alive[i] = false;
                any |= _alive[i];
            }
            if (!any) break;
            w *= _discount;
            actIn.CopyTo(_prev.AsSpan(0, m * _a));
            next.CopyTo(obsIn);
        }
        float sum = 0;
        for (int i = 0; i < m; i++) sum += _ret[i];
        return sum / m;
    }

    /// <summary>Hot path, allocation-free. Mean of minus the fused graph's summed cost over M random sequences; a non-finite cost counts 0.</summary>
    private float FusedValue(ReadOnlySpan<float> state, ReadOnlySpan<float> previousAction)
    {
        int m = _rollouts;
        // Step-major draws, as the step-by-step rollouts draw them, so one generator gives both paths the same actions.
        for (int t = 0; t < _depth; t++)
            for (int i = 0; i < m; i++) _actions.Random(_sequences.AsSpan((i * _depth + t) * _a, _a));
        Span<float> cost = _cost.AsSpan(0, m);
        _fused!.Score(state, _sequences, m, previousAction, cost);
        float sum = 0;
        for (int i = 0; i < m; i++) if (float.IsFinite(cost[i])) sum -= cost[i];
        return sum / m;
    }

    /// <summary>Hot path. Runs the model on the batch in its input buffers and sums the cost terms into _cost.</summary>
    private ReadOnlySpan<float> StepCosts(int step, int n, ReadOnlySpan<float> obsIn, ReadOnlySpan<float> actIn)
    {
        _model.Run(n);
        ReadOnlySpan<float> next = _model.NextObsMean(n);
        Span<float> cost = _cost.AsSpan(0, n);
        cost.Clear();
        var x = new CostInputs(step, n, obsIn, actIn, _prev.AsSpan(0, n * _a), next, _model.Reward(n), _model.Disagreement(n));
        for (int c = 0; c < _costs.Length; c++) _costs[c].Add(x, cost);
        return next;
    }

    private static bool AllFinite(ReadOnlySpan<float> v)
    {
        foreach (float f in v) if (!float.IsFinite(f)) return false;
        return true;
    }
}
