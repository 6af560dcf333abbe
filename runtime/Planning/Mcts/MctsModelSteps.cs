using System.Diagnostics;
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
/// <see cref="ExpandMany"/> and <see cref="Values"/> do the same for several nodes / leaves in one model call each (a Gumbel
/// round's independent simulations, <see cref="MctsOptions.BatchRounds"/>): row j*K+i is node j's action i, row j*M+r leaf
/// j's rollout r. The counters (<see cref="ExpandCalls"/>, ...) say where a plan's time goes.
/// </summary>
public sealed class MctsModelSteps
{
    private readonly IBatchedWorldModel _model;
    private readonly ICostTerm[] _costs;
    private readonly ITaskDefinition? _task;
    private readonly MctsActionSet _actions;
    private readonly int _o, _a, _rollouts, _depth, _leaves;
    private readonly float _discount;
    private readonly float[] _cost, _prev, _ret;
    private readonly bool[] _alive;
    private IRolloutModel? _fused;
    private int _fusedLeaves; // leaves per fused call: 1, or the round's with per-candidate starts
    private float[] _sequences = [], _starts = [], _startPrev = [];

    public MctsModelSteps(IBatchedWorldModel model, IReadOnlyList<ICostTerm> costs, ITaskDefinition? task,
                          MctsActionSet actions, MctsOptions options)
    {
        if (costs.Count == 0) throw new ArgumentException("mcts: at least one cost term is needed");
        int perLeaf = Math.Max(actions.Count, options.Rollouts);
        if (perLeaf > model.MaxBatch) throw new ArgumentException($"mcts batch of {perLeaf} exceeds the world model's max batch {model.MaxBatch}");
        // A round's leaves share a call as far as the model's batch allows.
        _leaves = Math.Min(options.RoundLeaves(actions.Count), model.MaxBatch / perLeaf);
        int batch = _leaves * perLeaf;
        _model = model; _costs = [.. costs]; _task = task; _actions = actions;
        _o = model.ObsDim; _a = model.ActDim;
        _rollouts = options.Rollouts; _depth = options.Horizon; _discount = options.Discount;
        _cost = new float[batch]; _prev = new float[batch * _a]; _ret = new float[batch];
        _alive = new bool[batch];
    }

    /// <summary>True when leaf values come from the fused rollout graph.</summary>
    public bool Fused => _fused is not null;
    /// <summary>Most leaves one <see cref="Values"/> call evaluates (the batch its buffers hold).</summary>
    public int MaxLeaves => _leaves;

    /// <summary>Diagnostics: model calls and Stopwatch ticks spent in expansions and in leaf values since construction.</summary>
    public long ExpandCalls { get; private set; }
    public long ValueCalls { get; private set; }
    public long ExpandTicks { get; private set; }
    public long ValueTicks { get; private set; }

    /// <summary>Not real-time. Leaf values from <paramref name="rollout"/> (built for this horizon and these cost terms) from now on.</summary>
    public void UseFusedRollout(IRolloutModel rollout)
    {
        if (rollout.ObsDim != _o || rollout.ActDim != _a)
            throw new ArgumentException($"mcts: rollout model is {rollout.ObsDim} -> {rollout.ActDim}, world model {_o} -> {_a}");
        if (rollout.Horizon != _depth) throw new ArgumentException($"mcts: rollout model horizon {rollout.Horizon}, rollout depth {_depth}");
        if (_rollouts == 0) throw new ArgumentException("mcts: a fused rollout needs rollouts > 0");
        if (rollout.MaxBatch < _rollouts) throw new ArgumentException($"mcts: {_rollouts} rollouts exceed the rollout model's max batch {rollout.MaxBatch}");
        // Several leaves per call only when each candidate can start from its own state; else one call per leaf.
        _fusedLeaves = rollout.PerCandidateStart ? Math.Max(1, Math.Min(_leaves, rollout.MaxBatch / _rollouts)) : 1;
        int rows = _fusedLeaves * _rollouts;
        _sequences = new float[rows * _depth * _a];
        _starts = new float[rows * _o];
        _startPrev = new float[rows * _a];
        _fused = rollout;
    }

    /// <summary>
    /// Hot path, allocation-free. For node <paramref name="e"/> at <paramref name="state"/> (reached by
    /// <paramref name="previousAction"/>), predicts each slot's next state, reward and terminal flag.
    /// </summary>
    public void Expand(MctsTree tree, int e, ReadOnlySpan<float> state, ReadOnlySpan<float> previousAction) =>
        ExpandMany(tree, new ReadOnlySpan<int>(in e), state, previousAction);

    /// <summary>
    /// Hot path, allocation-free. <see cref="Expand"/> for the nodes <paramref name="nodes"/> in one model call: node j
    /// at <paramref name="states"/>[j] [n, obs_dim], reached by <paramref name="previousActions"/>[j] [n, act_dim].
    /// </summary>
    public void ExpandMany(MctsTree tree, ReadOnlySpan<int> nodes, ReadOnlySpan<float> states, ReadOnlySpan<float> previousActions)
    {
        long t0 = Stopwatch.GetTimestamp();
        int k = tree.K, n = nodes.Length, rows = n * k;
        Span<float> obsIn = _model.ObsInput(rows), actIn = _model.ActionInput(rows);
        for (int j = 0; j < n; j++)
        {
            ReadOnlySpan<float> state = states.Slice(j * _o, _o), previous = previousActions.Slice(j * _a, _a);
            for (int i = 0; i < k; i++)
            {
                state.CopyTo(obsIn.Slice((j * k + i) * _o, _o));
                previous.CopyTo(_prev.AsSpan((j * k + i) * _a, _a));
            }
            tree.Actions.AsSpan(nodes[j] * k * _a, k * _a).CopyTo(actIn.Slice(j * k * _a, k * _a));
        }
        // Cost terms here do not read the step index (it is the first node's depth when depths differ).
        ReadOnlySpan<float> next = StepCosts(tree.NodeDepth[nodes[0]], rows, obsIn, actIn);
        for (int j = 0; j < n; j++)
        {
            int s0 = nodes[j] * k, r0 = j * k;
            next.Slice(r0 * _o, k * _o).CopyTo(tree.States.AsSpan(s0 * _o, k * _o));
            float worst = 0;
            bool anyFinite = false;
            for (int i = 0; i < k; i++)
                if (float.IsFinite(_cost[r0 + i])) { worst = anyFinite ? Math.Min(worst, -_cost[r0 + i]) : -_cost[r0 + i]; anyFinite = true; }
            for (int i = 0; i < k; i++)
            {
                ReadOnlySpan<float> nx = next.Slice((r0 + i) * _o, _o);
                bool finite = float.IsFinite(_cost[r0 + i]) && AllFinite(nx);
                tree.Reward[s0 + i] = finite ? -_cost[r0 + i] : worst;
                tree.Terminal[s0 + i] = !finite || (_task?.IsTerminal(nx) ?? false);
            }
        }
        ExpandCalls++;
        ExpandTicks += Stopwatch.GetTimestamp() - t0;
    }

    /// <summary>Hot path, allocation-free. Mean discounted return of the random rollouts from <paramref name="state"/> (0 without rollouts).</summary>
    public float Value(ReadOnlySpan<float> state, ReadOnlySpan<float> previousAction, int depth)
    {
        float v = 0;
        Values(state, previousAction, 1, depth, new Span<float>(ref v));
        return v;
    }

    /// <summary>
    /// Hot path, allocation-free. <see cref="Value"/> of <paramref name="n"/> (at most <see cref="MaxLeaves"/>) leaves at once:
    /// leaf j at <paramref name="states"/>[j] after <paramref name="previousActions"/>[j]; one model call per rollout step
    /// (or one fused call) for all of them.
    /// </summary>
    public void Values(ReadOnlySpan<float> states, ReadOnlySpan<float> previousActions, int n, int depth, Span<float> values)
    {
        if ((uint)(n - 1) >= (uint)_leaves) throw new ArgumentOutOfRangeException(nameof(n), n, "mcts: leaves per call must be in [1, MaxLeaves]");
        int m = _rollouts;
        if (m == 0 || _depth == 0) { values[..n].Clear(); return; }
        long t0 = Stopwatch.GetTimestamp();
        if (_fused is not null)
        {
            for (int j = 0; j < n; j += _fusedLeaves)
            {
                int c = Math.Min(_fusedLeaves, n - j);
                FusedValues(states.Slice(j * _o, c * _o), previousActions.Slice(j * _a, c * _a), c, values.Slice(j, c));
            }
            ValueTicks += Stopwatch.GetTimestamp() - t0;
            return;
        }
        int rows = n * m;
        Span<float> obsIn = _model.ObsInput(rows);
        for (int r = 0; r < rows; r++)
        {
            int j = r / m;
            states.Slice(j * _o, _o).CopyTo(obsIn.Slice(r * _o, _o));
            previousActions.Slice(j * _a, _a).CopyTo(_prev.AsSpan(r * _a, _a));
            _ret[r] = 0; _alive[r] = true;
        }
        float w = 1f;
        for (int t = 0; t < _depth; t++)
        {
            Span<float> actIn = _model.ActionInput(rows);
            for (int r = 0; r < rows; r++) _actions.Random(actIn.Slice(r * _a, _a));
            ReadOnlySpan<float> next = StepCosts(depth + t, rows, obsIn, actIn);
            ValueCalls++;
            bool any = false;
            for (int r = 0; r < rows; r++)
            {
                if (!_alive[r]) continue;
                ReadOnlySpan<float> nx = next.Slice(r * _o, _o);
                if (!float.IsFinite(_cost[r]) || !AllFinite(nx)) { _alive[r] = false; continue; }
                _ret[r] += w * -_cost[r];
                if (_task?.IsTerminal(nx) ?? false) _alive[r] = false;
                any |= _alive[r];
            }
            if (!any) break;
            w *= _discount;
            actIn.CopyTo(_prev.AsSpan(0, rows * _a));
            next.CopyTo(obsIn);
        }
        for (int j = 0; j < n; j++)
        {
            float sum = 0;
            for (int i = 0; i < m; i++) sum += _ret[j * m + i];
            values[j] = sum / m;
        }
        ValueTicks += Stopwatch.GetTimestamp() - t0;
    }

    /// <summary>Hot path, allocation-free. Per leaf, the mean of minus the fused graph's summed cost over its M random sequences; a non-finite cost counts 0.</summary>
    private void FusedValues(ReadOnlySpan<float> states, ReadOnlySpan<float> previousActions, int n, Span<float> values)
    {
        int m = _rollouts, rows = n * m;
        // Step-major draws, as the step-by-step rollouts draw them, so one generator gives both paths the same actions.
        for (int t = 0; t < _depth; t++)
            for (int r = 0; r < rows; r++) _actions.Random(_sequences.AsSpan((r * _depth + t) * _a, _a));
        Span<float> cost = _cost.AsSpan(0, rows);
        // One leaf: Score repeats its start over the rollouts on either graph form; several need per-candidate starts.
        if (n == 1) _fused!.Score(states, _sequences, m, previousActions, cost);
        else
        {
            for (int r = 0; r < rows; r++)
            {
                states.Slice(r / m * _o, _o).CopyTo(_starts.AsSpan(r * _o, _o));
                previousActions.Slice(r / m * _a, _a).CopyTo(_startPrev.AsSpan(r * _a, _a));
            }
            _fused!.ScoreFrom(_starts, _sequences, rows, _startPrev, cost);
        }
        ValueCalls++;
        for (int j = 0; j < n; j++)
        {
            float sum = 0;
            for (int i = 0; i < m; i++) if (float.IsFinite(cost[j * m + i])) sum -= cost[j * m + i];
            values[j] = sum / m;
        }
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
