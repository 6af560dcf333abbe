using Robotics.Core.Robots;

namespace Robotics.Runtime.Controllers;

/// <summary>
/// What the control loop drives: a planner over a learned model, a policy, anything that turns an
/// observation into an action. Per tick the loop calls <see cref="Act"/>, hands the proposal and
/// <see cref="Candidates"/> to the gate, writes what the gate let out, then calls <see cref="Observe"/> with
/// that action, so action-rate costs, warm starts and recurrent beliefs follow what the robot really got.
/// Built by an <see cref="IControllerFactory"/> from a model card's kind (<see cref="ControllerRegistry"/>).
/// </summary>
public interface IController : IDisposable
{
    int ActDim { get; }

    /// <summary>Not real-time. Forgets per-episode state (warm start, belief) before a new episode.</summary>
    void Reset();

    /// <summary>Hot path, allocation-free. Writes the proposed action for <paramref name="obs"/> into <paramref name="action"/>.</summary>
    void Act(ReadOnlySpan<float> obs, Span<float> action);

    /// <summary>
    /// Real-time. Alternative first actions [k, act_dim] from the last <see cref="Act"/>, best first, for the
    /// safety gate to choose from on a veto. Empty when the controller has none.
    /// </summary>
    ReadOnlySpan<float> Candidates { get; }

    /// <summary>
    /// Hot path, allocation-free. Called once per <see cref="Act"/>, after the gate, with the action actually
    /// sent to the robot and the gate's decision on it.
    /// </summary>
    void Observe(ReadOnlySpan<float> sent, SafetyDecision decision);
}
