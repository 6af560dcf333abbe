namespace Robotics.Runtime.Models;

/// <summary>
/// Scores a batch of candidate action sequences in one call: every candidate rolled through every ensemble
/// member over the whole horizon with the cost summed inside the model (the fused rollout graph), so one
/// planner iteration is one model call.
/// </summary>
public interface IRolloutModel
{
    int ObsDim { get; }
    int ActDim { get; }
    /// <summary>The fixed horizon the rollout was built for.</summary>
    int Horizon { get; }
    int MaxBatch { get; }
    /// <summary>What the built-in cost is (analytic cost id or learned reward, lambda, action-rate weight).</summary>
    string CostDescription { get; }

    /// <summary>
    /// Hot path, allocation-free after the first call for a given <paramref name="count"/>. Writes cost
    /// [count] for <paramref name="sequences"/> [count, H, act_dim] starting at <paramref name="obs0"/>,
    /// with <paramref name="lastAction"/> the action last sent (for the action-rate term).
    /// </summary>
    void Score(ReadOnlySpan<float> obs0, ReadOnlySpan<float> sequences, int count, ReadOnlySpan<float> lastAction, Span<float> cost);

    /// <summary>True when each candidate can start from its own state (<see cref="ScoreFrom"/>; tree search's batched leaves).</summary>
    bool PerCandidateStart => false;

    /// <summary>
    /// Hot path, allocation-free after the first call for a given <paramref name="count"/>. As <see cref="Score"/>, but
    /// candidate i starts from <paramref name="starts"/>[i] [count, obs_dim] after <paramref name="lastActions"/>[i] [count, act_dim].
    /// </summary>
    void ScoreFrom(ReadOnlySpan<float> starts, ReadOnlySpan<float> sequences, int count, ReadOnlySpan<float> lastActions, Span<float> cost) =>
        throw new NotSupportedException("rollout model: one start state for all candidates");

    /// <summary>Real-time. D summed over the horizon per candidate, from the last <see cref="Score"/>.</summary>
    ReadOnlySpan<float> Disagreement(int count);
}
