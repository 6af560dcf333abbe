namespace Robotics.Runtime.Planning.Mcts;

/// <summary>
/// The search tree as structure-of-arrays, sized once for <c>capacity</c> expanded nodes of <c>branching</c>
/// children each. An expanded node e owns child slots e*K .. e*K+K-1; a slot holds the edge's action, prior,
/// step reward, terminal flag, the predicted next observation, its visit count and value sum, and the index
/// of the node it leads to once that node is expanded (-1 before). Q(slot) = mean of r + gamma G.
/// </summary>
public sealed class MctsTree
{
    public MctsTree(int capacity, int branching, int obsDim, int actDim)
    {
        Capacity = capacity; K = branching; ObsDim = obsDim; ActDim = actDim;
        int slots = capacity * branching;
        Actions = new float[slots * actDim];
        States = new float[slots * obsDim];
        Prior = new float[slots];
        Reward = new float[slots];
        Terminal = new bool[slots];
        Visits = new int[slots];
        ValueSum = new float[slots];
        Child = new int[slots];
        NodeVisits = new int[capacity];
        NodeValue = new float[capacity];
        NodeDepth = new int[capacity];
    }

    public int Capacity { get; }
    public int K { get; }
    public int ObsDim { get; }
    public int ActDim { get; }
    public int Count { get; private set; }

    public float[] Actions { get; }
    public float[] States { get; }
    public float[] Prior { get; }
    public float[] Reward { get; }
    public bool[] Terminal { get; }
    public int[] Visits { get; }
    public float[] ValueSum { get; }
    public int[] Child { get; }
    public int[] NodeVisits { get; }
    /// <summary>The node's own value estimate (its leaf evaluation): the first-play value of its unvisited children's Q.</summary>
    public float[] NodeValue { get; }
    public int[] NodeDepth { get; }

    /// <summary>Hot path. Forgets every node.</summary>
    public void Clear() => Count = 0;

    /// <summary>Hot path. A fresh node at <paramref name="depth"/>; its slots' statistics cleared (the caller fills actions and outcomes).</summary>
    public int Add(int depth)
    {
        int e = Count++;
        NodeVisits[e] = 0; NodeValue[e] = 0; NodeDepth[e] = depth;
        int s0 = e * K;
        Visits.AsSpan(s0, K).Clear();
        ValueSum.AsSpan(s0, K).Clear();
        Child.AsSpan(s0, K).Fill(-1);
        return e;
    }

    public bool Full => Count >= Capacity;
    public Span<float> SlotAction(int slot) => Actions.AsSpan(slot * ActDim, ActDim);
    public Span<float> SlotState(int slot) => States.AsSpan(slot * ObsDim, ObsDim);

    /// <summary>Hot path. Q of a slot: its mean return when visited, else the parent node's value estimate.</summary>
    public float Q(int slot) => Visits[slot] > 0 ? ValueSum[slot] / Visits[slot] : NodeValue[slot / K];

    /// <summary>Hot path. Min and max Q over node <paramref name="e"/>'s children (per-node min-max normalisation).</summary>
    public void QRange(int e, out float min, out float max)
    {
        min = float.PositiveInfinity; max = float.NegativeInfinity;
        for (int s = e * K; s < (e + 1) * K; s++)
        {
            float q = Q(s);
            if (q < min) min = q;
            if (q > max) max = q;
        }
    }

    /// <summary>Hot path. Q normalised into [0, 1] by the node's range (0.5 when every child's Q is equal).</summary>
    public static float Normalise(float q, float min, float max) => max - min > 1e-8f ? (q - min) / (max - min) : 0.5f;

    /// <summary>
    /// Hot path. MuZero's pUCT: argmax of q_norm + P sqrt(N) / (1 + n) (c1 + log((N + c2 + 1) / c2)),
    /// ties to the first slot from <paramref name="start"/> on (callers pass a random start so ties carry no
    /// direction). N counts at least 1 so a fresh node's priors count.
    /// </summary>
    public int SelectPuct(int e, float c1, float c2, int start = 0)
    {
        QRange(e, out float min, out float max);
        float n = Math.Max(NodeVisits[e], 1);
        float explore = MathF.Sqrt(n) * (c1 + MathF.Log((n + c2 + 1) / c2));
        int best = e * K;
        float bestScore = float.NegativeInfinity;
        for (int i = 0; i < K; i++)
        {
            int s = e * K + (start + i) % K;
            float score = Normalise(Q(s), min, max) + Prior[s] * explore / (1 + Visits[s]);
            if (score > bestScore) { bestScore = score; best = s; }
        }
        return best;
    }

    /// <summary>Hot path. The most visited child slot of node e (ties: higher Q, then lower index).</summary>
    public int MostVisited(int e)
    {
        int best = e * K;
        for (int s = e * K + 1; s < (e + 1) * K; s++)
            if (Visits[s] > Visits[best] || (Visits[s] == Visits[best] && Q(s) > Q(best))) best = s;
        return best;
    }

    /// <summary>Hot path. Backs <paramref name="leafValue"/> up the path of slots (root first): G = r + gamma G at each.</summary>
    public void Backup(ReadOnlySpan<int> path, float leafValue, float discount)
    {
        float g = leafValue;
        for (int i = path.Length - 1; i >= 0; i--)
        {
            int s = path[i];
            g = Reward[s] + discount * g;
            ValueSum[s] += g;
            Visits[s]++;
            NodeVisits[s / K]++;
        }
    }
}
