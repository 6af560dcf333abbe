using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Runtime.Models;

namespace Robotics.Runtime.Controllers.Tracking;

/// <summary>
/// Follows a reference state trajectory with an inverse-dynamics model: at the episode's t-th command it sends
/// clip(f(s_t, s*_{t+1})) onto the action box, the action the model says moves the robot's state to the next reference
/// state (Christiano et al. 2016). Time is the count of commands since <see cref="Reset"/> (lock-step robots answer
/// every one; a real-time loop that misses states falls behind the reference by as many). Past the reference's end
/// it holds its last state. No candidates for the gate. 0 B per <see cref="Act"/>.
/// </summary>
public sealed class TrackingController : IController
{
    private readonly OnnxInverseModel _model;
    private readonly BoxSpace _actions;
    private int _t;

    public TrackingController(OnnxInverseModel model, ReferenceTrajectory reference, BoxSpace actions)
    {
        if (reference.ObsDim != model.ObsDim)
            throw new ArgumentException($"tracking: the reference has {reference.ObsDim}-d states but the inverse model takes {model.ObsDim}");
        if (actions.Dimension != model.ActDim)
            throw new ArgumentException($"tracking: the inverse model acts in {model.ActDim} dimensions, the robot in {actions.Dimension}");
        _model = model; Reference = reference; _actions = actions;
    }

    public ReferenceTrajectory Reference { get; }
    public int ActDim => _model.ActDim;
    public string Provider => _model.Provider;
    /// <summary>Commands sent since the episode started (the reference index of the state being answered).</summary>
    public int Step => _t;
    /// <summary>Members' disagreement on the last action (largest std over the half-range).</summary>
    public float LastDisagreement { get; private set; }
    public ReadOnlySpan<float> Candidates => default;

    public void Reset() => _t = 0;

    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        obs.CopyTo(_model.Obs);
        Reference.State(_t + 1).CopyTo(_model.NextObs);
        _model.Run(1);
        _model.Action.AsSpan(0, ActDim).CopyTo(action);
        _actions.Clip(action);
        LastDisagreement = _model.Disagreement();
        _t++;
    }

    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }

    public void Dispose() => _model.Dispose();
}
