using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Core.Tasks;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Planning.Mcts;

/// <summary>
/// MCTS over a world model. Each <see cref="Act"/> searches afresh from the observation: the root is expanded
/// (one batched model call over its K actions) and evaluated, then each simulation walks down by pUCT
/// (the root by Gumbel sequential halving or pUCT), expands the first unexpanded child (one model call for
/// its K children), evaluates it by random rollouts and backs the discounted return up the path. The root
/// action of Gumbel's final ranking (or the most visited one) is sent; the others, best Q first, are the
/// gate's candidates; the plan is the principal variation. With <see cref="MctsOptions.BatchRounds"/> (default) each
/// Gumbel round's simulations, which leave the root by different actions, are selected together and their leaves
/// expanded in one model call and valued in one (the per-plan model calls drop from 2 + 2n to about 2 + 2n/m). Randomness comes from the injected generator only,
/// so a seed reproduces every plan; every buffer is allocated here, so a plan allocates nothing.
/// </summary>
public sealed class MctsPlanner : IPlanner
{
    private readonly MctsOptions _o;
    private readonly MctsTree _tree;
    private readonly MctsActionSet _set;
    private readonly MctsModelSteps _steps;
    private readonly Random _rng;
    private readonly GaussianSampler _gauss;
    private readonly int _k;
    private readonly float[] _lastSent, _center, _plan, _candidates, _gumbel, _rootScore;
    private readonly int[] _considered, _order;
    // A batched Gumbel round (MctsOptions.BatchRounds): per simulation j its path, leaf slot and new node (-1: none).
    private readonly int[] _roundPaths, _roundLen, _roundLeaf, _roundNode, _expandNodes, _valueOf;
    private readonly float[] _roundStates, _roundPrev, _roundValues, _expandStates, _expandPrev;
    private readonly int _roundMax;
    private int _candidateCount;

    public MctsPlanner(IBatchedWorldModel model, BoxSpace actionSpace, IReadOnlyList<ICostTerm> costs, MctsOptions options,
                       Random rng, ITaskDefinition? task = null)
    {
        _o = options.Validate();
        if (actionSpace.Dimension != model.ActDim)
            throw new ArgumentException($"planner: action space has {actionSpace.Dimension} dimensions, model has {model.ActDim}");
        ActDim = model.ActDim;
        _rng = rng;
        _gauss = new GaussianSampler(rng);
        _set = new MctsActionSet(actionSpace, options, rng);
        _k = _set.Count;
        _tree = new MctsTree(options.Simulations + 1, _k, model.ObsDim, ActDim);
        _steps = new MctsModelSteps(model, costs, task, _set, options);
        _lastSent = new float[ActDim];
        _center = new float[ActDim];
        for (int j = 0; j < ActDim; j++)
        {
            float lo = actionSpace.Low[j], hi = actionSpace.High[j];
            _center[j] = float.IsFinite(lo) && float.IsFinite(hi) ? 0.5f * (lo + hi) : 0f;
        }
        _plan = new float[options.Horizon * ActDim];
        _candidates = new float[Math.Min(options.Candidates, _k) * ActDim];
        _gumbel = new float[_k];
        _rootScore = new float[_k];
        _considered = new int[_k];
        _order = new int[_k];
        _roundMax = _steps.MaxLeaves;
        _roundPaths = new int[_roundMax * (options.MaxDepth + 1)];
        _roundLen = new int[_roundMax];
        _roundLeaf = new int[_roundMax];
        _roundNode = new int[_roundMax];
        _expandNodes = new int[_roundMax];
        _valueOf = new int[_roundMax];
        _roundStates = new float[_roundMax * model.ObsDim];
        _roundPrev = new float[_roundMax * ActDim];
        _roundValues = new float[_roundMax];
        _expandStates = new float[_roundMax * model.ObsDim];
        _expandPrev = new float[_roundMax * ActDim];
        Reset();
    }

    public int ActDim { get; }
    public int Horizon => _o.Horizon;
    public ReadOnlySpan<float> Plan => _plan;
    public float BestCost { get; private set; }
    public ReadOnlySpan<float> Candidates => _candidates.AsSpan(0, _candidateCount * ActDim);
    /// <summary>Actions per node.</summary>
    public int Branching => _k;
    /// <summary>The last search's tree (tests, diagnostics): root = node 0, its slots 0..K-1.</summary>
    public MctsTree Tree => _tree;

    /// <summary>Diagnostics: the model calls behind the plans (counts and time per kind).</summary>
    public MctsModelSteps Steps => _steps;

    /// <summary>True when leaf values come from the fused rollout graph (<see cref="UseFusedRollout"/>).</summary>
    public bool Fused => _steps.Fused;

    /// <summary>Not real-time. Leaf values from one fused rollout call (see <see cref="MctsModelSteps"/>); the caller owns the model.</summary>
    public void UseFusedRollout(IRolloutModel rollout) => _steps.UseFusedRollout(rollout);

    public void Reset()
    {
        _center.CopyTo(_lastSent, 0);
        _candidateCount = 0;
        for (int t = 0; t < Horizon; t++) _center.CopyTo(_plan, t * ActDim);
    }

    /// <summary>Hot path, allocation-free. One search from <paramref name="obs"/>; writes the root action to send.</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        _tree.Clear();
        int root = _tree.Add(0);
        _set.Fill(_tree.Actions.AsSpan(0, _k * ActDim));
        SetPriors(root);
        _steps.Expand(_tree, root, obs, _lastSent);
        _tree.NodeValue[root] = _steps.Value(obs, _lastSent, 0);

        int chosen = _o.Root == MctsRootSelection.Gumbel ? SearchGumbel() : SearchPuct();
        _tree.SlotAction(chosen).CopyTo(action);
        BestCost = -_tree.Q(chosen);
        WritePlan(chosen);
        WriteCandidates(chosen);
    }

    /// <summary>Hot path. The gate's verdict: the sent action is the root's previous action for the cost terms.</summary>
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) => sent.CopyTo(_lastSent);

    /// <summary>Owns no native resources (the model belongs to the caller).</summary>
    public void Dispose() { }

    /// <summary>Hot path. Pure pUCT from the root; the most visited root action.</summary>
    private int SearchPuct()
    {
        for (int i = 0; i < _o.Simulations; i++)
        {
            int slot = _tree.SelectPuct(0, _o.C1, _o.C2, _rng.Next(_k));
            SimulateRound(new ReadOnlySpan<int>(in slot));
        }
        return _tree.MostVisited(0);
    }

    /// <summary>
    /// Hot path. Gumbel MuZero's root: the top-m actions by g + log prior, sequential halving on
    /// g + log prior + sigma(q), and the best of the most visited survivors.
    /// </summary>
    private int SearchGumbel()
    {
        for (int i = 0; i < _k; i++)
        {
            double u = _rng.NextDouble();
            _gumbel[i] = _o.GumbelScale * (float)-Math.Log(-Math.Log(u * (1 - 2e-12) + 1e-12)) + MathF.Log(Math.Max(_tree.Prior[i], 1e-30f));
            _order[i] = i;
        }
        SortByKeyDescending(_order, _k, _gumbel);
        int m = Math.Min(_o.ConsideredActions, _k), considered = m, left = _o.Simulations;
        _order.AsSpan(0, m).CopyTo(_considered);
        while (left > 0)
        {
            int per = SequentialHalving.VisitsPerAction(_o.Simulations, m, considered);
            // One round's simulations leave the root by different actions, so they share no node below it: up to
            // _roundMax of them (1 without BatchRounds) go down together.
            for (int r = 0; r < per && left > 0; r++)
                for (int i = 0; i < considered && left > 0; i += _roundMax)
                {
                    int n = Math.Min(Math.Min(_roundMax, considered - i), left);
                    SimulateRound(_considered.AsSpan(i, n));
                    left -= n;
                }
            RootScores();
            SortByKeyDescending(_considered, considered, _rootScore);
            considered = SequentialHalving.Next(considered);
        }
        RootScores();
        int best = _considered[0];
        for (int i = 1; i < m; i++)
        {
            int a = _considered[i];
            if (_tree.Visits[a] > _tree.Visits[best] || (_tree.Visits[a] == _tree.Visits[best] && _rootScore[a] > _rootScore[best])) best = a;
        }
        return best;
    }

    /// <summary>Hot path. g + log prior + (c_visit + max N) c_scale q_norm for every root action.</summary>
    private void RootScores()
    {
        _tree.QRange(0, out float min, out float max);
        int maxN = 0;
        for (int i = 0; i < _k; i++) maxN = Math.Max(maxN, _tree.Visits[i]);
        float sigma = (_o.CVisit + maxN) * _o.CScale;
        for (int i = 0; i < _k; i++) _rootScore[i] = _gumbel[i] + sigma * MctsTree.Normalise(_tree.Q(i), min, max);
    }

    /// <summary>
    /// Hot path. Simulations that leave the root through the distinct <paramref name="rootSlots"/> (disjoint subtrees;
    /// one slot = one plain simulation): each walks down by pUCT and adds its leaf's node; then all new nodes are expanded
    /// in one model call, all leaves valued in one, and each path backed up. In a batch of several, node ids and draws
    /// differ from one at a time.
    /// </summary>
    private void SimulateRound(ReadOnlySpan<int> rootSlots)
    {
        int n = rootSlots.Length, stride = _o.MaxDepth + 1, expand = 0, value = 0, valueDepth = 0;
        for (int j = 0; j < n; j++)
        {
            int len = 0, slot = rootSlots[j], off = j * stride;
            _roundNode[j] = -1; _roundLeaf[j] = -1;
            while (true)
            {
                _roundPaths[off + len++] = slot;
                if (_tree.Terminal[slot]) break;
                int child = _tree.Child[slot];
                if (child < 0)
                {
                    int depth = len;
                    _roundLeaf[j] = slot;
                    _tree.SlotState(slot).CopyTo(_roundStates.AsSpan(value * _tree.ObsDim, _tree.ObsDim));
                    _tree.SlotAction(slot).CopyTo(_roundPrev.AsSpan(value * ActDim, ActDim));
                    if (value == 0) valueDepth = depth; // cost terms do not read the step index beyond the first leaf's
                    _valueOf[j] = value++;
                    if (!_tree.Full && depth < _o.MaxDepth)
                    {
                        child = _tree.Add(depth);
                        _tree.Child[slot] = child;
                        _set.Fill(_tree.Actions.AsSpan(child * _k * ActDim, _k * ActDim));
                        SetPriors(child);
                        _roundNode[j] = child;
                        _expandNodes[expand++] = child;
                    }
                    break;
                }
                slot = _tree.SelectPuct(child, _o.C1, _o.C2, _rng.Next(_k));
            }
            _roundLen[j] = len;
        }
        if (expand > 0)
        {
            // The expanded nodes' states are the first leaves' in order only if every leaf expands; gather them.
            Span<float> states = _expandStates.AsSpan(0, expand * _tree.ObsDim), prev = _expandPrev.AsSpan(0, expand * ActDim);
            for (int j = 0, e = 0; j < n; j++)
            {
                if (_roundNode[j] < 0) continue;
                _tree.SlotState(_roundLeaf[j]).CopyTo(states.Slice(e * _tree.ObsDim, _tree.ObsDim));
                _tree.SlotAction(_roundLeaf[j]).CopyTo(prev.Slice(e * ActDim, ActDim));
                e++;
            }
            _steps.ExpandMany(_tree, _expandNodes.AsSpan(0, expand), states, prev);
        }
        if (value > 0) _steps.Values(_roundStates, _roundPrev, value, valueDepth, _roundValues);
        for (int j = 0; j < n; j++)
        {
            float leaf = _roundLeaf[j] < 0 ? 0f : _roundValues[_valueOf[j]];
            if (_roundNode[j] >= 0) _tree.NodeValue[_roundNode[j]] = leaf;
            _tree.Backup(_roundPaths.AsSpan(j * stride, _roundLen[j]), leaf, _o.Discount);
        }
    }

    /// <summary>Hot path. Uniform priors 1/K (no policy network); at the root in training, mixed with Dirichlet(alpha) noise.</summary>
    private void SetPriors(int e)
    {
        Span<float> p = _tree.Prior.AsSpan(e * _k, _k);
        p.Fill(1f / _k);
        if (e != 0 || !_o.Training || _o.ExplorationFraction == 0) return;
        float sum = 0;
        for (int i = 0; i < _k; i++) { _rootScore[i] = Gamma(_o.DirichletAlpha); sum += _rootScore[i]; }
        for (int i = 0; i < _k; i++)
            p[i] = (1 - _o.ExplorationFraction) / _k + _o.ExplorationFraction * (sum > 0 ? _rootScore[i] / sum : 1f / _k);
    }

    /// <summary>Hot path. Gamma(alpha, 1) by Marsaglia and Tsang (alpha &lt; 1 boosted by U^(1/alpha)).</summary>
    private float Gamma(float alpha)
    {
        double boost = 1;
        if (alpha < 1) { boost = Math.Pow(1 - _rng.NextDouble(), 1.0 / alpha); alpha += 1; }
        double d = alpha - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = _gauss.Next(), v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = 1 - _rng.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return (float)(d * v * boost);
        }
    }

    /// <summary>Hot path. The principal variation from the chosen root action, the last action repeated to fill the horizon.</summary>
    private void WritePlan(int chosen)
    {
        int slot = chosen;
        for (int t = 0; t < Horizon; t++)
        {
            _tree.SlotAction(slot).CopyTo(_plan.AsSpan(t * ActDim, ActDim));
            int child = _tree.Child[slot];
            if (child >= 0 && !_tree.Terminal[slot] && _tree.NodeVisits[child] > 0) slot = _tree.MostVisited(child);
        }
    }

    /// <summary>Hot path. The chosen root action first, then the other root actions by Q, best first.</summary>
    private void WriteCandidates(int chosen)
    {
        int cap = _candidates.Length / Math.Max(ActDim, 1);
        if (cap == 0) { _candidateCount = 0; return; }
        for (int i = 0; i < _k; i++) { _order[i] = i; _rootScore[i] = i == chosen ? float.PositiveInfinity : _tree.Q(i); }
        SortByKeyDescending(_order, _k, _rootScore);
        for (int i = 0; i < cap; i++) _tree.SlotAction(_order[i]).CopyTo(_candidates.AsSpan(i * ActDim, ActDim));
        _candidateCount = cap;
    }

    /// <summary>Hot path, allocation-free. Stable insertion sort of items[0..n) by key[item], largest first.</summary>
    private static void SortByKeyDescending(int[] items, int n, float[] key)
    {
        for (int i = 1; i < n; i++)
        {
            int v = items[i], j = i - 1;
            while (j >= 0 && key[items[j]] < key[v]) { items[j + 1] = items[j]; j--; }
            items[j + 1] = v;
        }
    }
}
