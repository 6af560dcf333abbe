using Robotics.Core.Models;

namespace Robotics.Core.Tasks;

/// <summary>
/// A task as both the simulator and a real robot's deployment see it: its analytic cost on observations (in
/// C#, with its ONNX form beside it), when an observation ends an episode, the safe action, the time limit,
/// and the cost parameters a model card records (<see cref="TaskCostSection"/>).
/// </summary>
public interface ITaskDefinition
{
    /// <summary>Library id, e.g. "pendulum" (the card's task_cost.task).</summary>
    string Id { get; }
    /// <summary>The negative reward on (predicted) observations; its <see cref="IAnalyticCost.GraphForm"/> is the ONNX twin.</summary>
    IAnalyticCost Cost { get; }
    /// <summary>What to send when in doubt; a fresh copy.</summary>
    float[] SafeAction { get; }
    /// <summary>Steps after which an episode is truncated.</summary>
    int MaxEpisodeSteps { get; }
    /// <summary>The cost parameters as written in a card's task_cost.parameters.</summary>
    IReadOnlyDictionary<string, double> Parameters { get; }

    /// <summary>Hot path, allocation-free. True when <paramref name="obs"/> is a terminal state of the task.</summary>
    bool IsTerminal(ReadOnlySpan<float> obs);

    /// <summary>
    /// <see cref="IsTerminal"/> as ONNX operators (<see cref="Onnx.Ensemble.NeverTerminates"/> for a task that never
    /// terminates), so fused rollouts stop where the step-by-step ones do; null when it has no ONNX form (planners that
    /// need termination then roll out step by step).
    /// </summary>
    Onnx.Ensemble.IGraphTermination? GraphTermination => null;

    /// <summary>How a world model's prediction error is measured for this task (L2 unless the task knows better).</summary>
    ObservationError PredictionError => ObservationError.L2;

    /// <summary>
    /// Hot path, allocation-free. Turns an action already clipped to the box into the one the robot's actuators
    /// execute, in place (cartpole: the push index 0 or 1 a value means). What an inverse model can tell from
    /// (s, s') and what an actuator monitor compares it with. Default: the clipped action itself.
    /// </summary>
    void ToExecutedAction(Span<float> action) { }
}
