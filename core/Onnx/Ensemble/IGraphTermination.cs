namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// A task's terminal test written as ONNX operators, so a fused rollout graph can stop counting a candidate's
/// cost once its predicted trajectory leaves the task (as the step-by-step rollouts do). Must equal the task's
/// <c>IsTerminal</c> on the same observations.
/// </summary>
public interface IGraphTermination
{
    /// <summary>Short name stored in the rollout graph's metadata, e.g. "cartpole".</summary>
    string Id { get; }

    /// <summary>True when no state is terminal: the rollout graph then adds no mask.</summary>
    bool Never { get; }

    /// <summary>Adds the nodes computing terminal [P] (bool) from observations [P, obs_dim].</summary>
    OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs);
}

/// <summary>The termination of a task that never terminates (pendulum, reacher): no mask in the graph.</summary>
public sealed class NeverTerminates : IGraphTermination
{
    public static NeverTerminates Instance { get; } = new();
    private NeverTerminates() { }
    public string Id => "never";
    public bool Never => true;
    public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs) =>
        throw new InvalidOperationException("a task that never terminates has no terminal test to build");
}
