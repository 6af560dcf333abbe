namespace Robotics.Runtime.Models;

/// <summary>
/// A learned ensemble step model as planners use it: callers write a batch of observations and actions
/// straight into the model's input buffers, call <see cref="Run"/>, and read the outputs in place, so a
/// planner step copies nothing and allocates nothing. Layouts are row-major:
/// obs [n, obs_dim], action [n, act_dim], next_obs [n, obs_dim], next_obs_members [E, n, obs_dim],
/// reward [n], disagreement [n]. Spans are valid until the next <see cref="Run"/> with another n.
/// </summary>
public interface IBatchedWorldModel
{
    int ObsDim { get; }
    int ActDim { get; }
    /// <summary>Number of member predictions in <see cref="NextObsMembers"/> (the elites).</summary>
    int Members { get; }
    /// <summary>Largest batch n the buffers were sized for.</summary>
    int MaxBatch { get; }

    /// <summary>Real-time. Input buffer for observations of a batch of <paramref name="n"/> rows.</summary>
    Span<float> ObsInput(int n);
    /// <summary>Real-time. Input buffer for actions of a batch of <paramref name="n"/> rows.</summary>
    Span<float> ActionInput(int n);

    /// <summary>Hot path, allocation-free after the first call for a given n. Evaluates the step graph.</summary>
    void Run(int n);

    ReadOnlySpan<float> NextObsMean(int n);
    ReadOnlySpan<float> NextObsMembers(int n);
    ReadOnlySpan<float> Reward(int n);
    ReadOnlySpan<float> Disagreement(int n);
}
