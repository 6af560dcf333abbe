namespace Robotics.Runtime.Planning.Mcts;

/// <summary>How the root spends the simulation budget.</summary>
public enum MctsRootSelection
{
    /// <summary>Gumbel MuZero (Danihelka et al. 2022): Gumbel top-m actions, sequential halving, no visit-count argmax. Good at small budgets.</summary>
    Gumbel,
    /// <summary>MuZero pUCT at the root too; the most visited action is sent (Dirichlet root noise when <see cref="MctsOptions.Training"/>).</summary>
    Puct,
}

/// <summary>
/// Monte Carlo tree search over a world model (MuZero's search, Schrittwieser et al. 2020): pUCT with c1, c2,
/// per-node min-max value normalisation, leaf values from random rollouts, discrete actions (a grid of
/// <see cref="DiscreteActions"/> values per dimension) or sampled MCTS (<see cref="SampledActions"/> actions
/// drawn per node, Hubert et al. 2021). <see cref="PlannerOptions.Horizon"/> is the rollout depth below a leaf.
/// </summary>
public sealed record MctsOptions : PlannerOptions
{
    /// <summary>Simulations per plan (each expands at most one node).</summary>
    public int Simulations { get; init; } = 32;
    /// <summary>Values per action dimension, evenly spaced over the box (2 over [0, 1] = CartPole's {0, 1}); the node's actions are their grid.</summary>
    public int DiscreteActions { get; init; } = 2;
    /// <summary>Sampled MCTS: actions drawn uniformly in the box per node (0 = use the discrete grid).</summary>
    public int SampledActions { get; init; }
    /// <summary>Largest number of actions per node (the grid DiscreteActions^act_dim must fit); sizes the model's batch.</summary>
    public int MaxBranching { get; init; } = 64;
    /// <summary>Random rollouts averaged into a leaf's value (0 = bootstrap with 0).</summary>
    public int Rollouts { get; init; } = 4;
    public float Discount { get; init; } = 0.99f;
    /// <summary>pUCT c1 (MuZero 1.25).</summary>
    public float C1 { get; init; } = 1.25f;
    /// <summary>pUCT c2 (MuZero 19652).</summary>
    public float C2 { get; init; } = 19652f;
    /// <summary>Deepest tree node (rollouts continue below it).</summary>
    public int MaxDepth { get; init; } = 64;
    public MctsRootSelection Root { get; init; } = MctsRootSelection.Gumbel;
    /// <summary>Gumbel: m, the actions sequential halving starts from.</summary>
    public int ConsideredActions { get; init; } = 16;
    /// <summary>Gumbel: scale of the Gumbel noise (0 = none: deterministic top-m).</summary>
    public float GumbelScale { get; init; } = 1f;
    /// <summary>Gumbel: sigma(q) = (c_visit + max_b N(b)) c_scale q, q min-max normalised.</summary>
    public float CVisit { get; init; } = 50f;
    public float CScale { get; init; } = 0.1f;
    /// <summary>Training (data collection): Dirichlet noise on the root's priors. Never when deploying.</summary>
    public bool Training { get; init; }
    public float DirichletAlpha { get; init; } = 0.3f;
    public float ExplorationFraction { get; init; } = 0.25f;

    /// <summary>Actions per node: the sampled count, else the grid's size for <paramref name="actDim"/> dimensions (capped to overflow-safe).</summary>
    public int Branching(int actDim)
    {
        if (SampledActions > 0) return SampledActions;
        long n = 1;
        for (int d = 0; d < actDim && n <= int.MaxValue; d++) n *= DiscreteActions;
        return (int)Math.Min(n, int.MaxValue);
    }

    /// <summary>
    /// Gumbel root: each sequential-halving round visits every considered root action once, in disjoint subtrees, so
    /// the round's simulations are independent: select all their leaves, expand them in one model call and evaluate
    /// them in one (fused) rollout call, then back each up. The same search as one simulation at a time (only the order
    /// of the random draws differs) with about 1/m as many model calls. Ignored with the pUCT root.
    /// </summary>
    public bool BatchRounds { get; init; } = true;

    /// <summary>Most leaves one batched step evaluates: min(m, K) with batched Gumbel rounds, else 1.</summary>
    public int RoundLeaves(int branching) => BatchRounds && Root == MctsRootSelection.Gumbel ? Math.Max(1, Math.Min(ConsideredActions, branching)) : 1;

    public override int MaxBatch
    {
        get
        {
            int branching = SampledActions > 0 ? SampledActions : MaxBranching;
            return Math.Max(Math.Max(Rollouts, branching), 1) * RoundLeaves(branching);
        }
    }

    public MctsOptions Validate()
    {
        ValidateCommon("mcts");
        Require(Simulations is >= 1 and <= 1 << 16, $"mcts: simulations must be in [1, 65536], got {Simulations}");
        Require(DiscreteActions is >= 1 and <= 1024, $"mcts: discrete actions must be in [1, 1024], got {DiscreteActions}");
        Require(SampledActions is >= 0 and <= 1024, $"mcts: sampled actions must be in [0, 1024], got {SampledActions}");
        Require(MaxBranching is >= 1 and <= 4096, $"mcts: max branching must be in [1, 4096], got {MaxBranching}");
        Require(Rollouts is >= 0 and <= 4096, $"mcts: rollouts must be in [0, 4096], got {Rollouts}");
        Require(Discount is > 0 and <= 1, $"mcts: discount must be in (0, 1], got {Discount}");
        Require(C1 > 0 && float.IsFinite(C1), $"mcts: c1 must be > 0, got {C1}");
        Require(C2 > 0 && float.IsFinite(C2), $"mcts: c2 must be > 0, got {C2}");
        Require(MaxDepth is >= 1 and <= 10_000, $"mcts: max depth must be in [1, 10000], got {MaxDepth}");
        Require(ConsideredActions is >= 1 and <= 4096, $"mcts: considered actions must be in [1, 4096], got {ConsideredActions}");
        Require(GumbelScale >= 0 && float.IsFinite(GumbelScale), $"mcts: gumbel scale must be >= 0, got {GumbelScale}");
        Require(CVisit >= 0 && float.IsFinite(CVisit), $"mcts: c_visit must be >= 0, got {CVisit}");
        Require(CScale >= 0 && float.IsFinite(CScale), $"mcts: c_scale must be >= 0, got {CScale}");
        Require(DirichletAlpha > 0 && float.IsFinite(DirichletAlpha), $"mcts: dirichlet alpha must be > 0, got {DirichletAlpha}");
        Require(ExplorationFraction is >= 0 and <= 1, $"mcts: exploration fraction must be in [0, 1], got {ExplorationFraction}");
        return this;
    }
}
