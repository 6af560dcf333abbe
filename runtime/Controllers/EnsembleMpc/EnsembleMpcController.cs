using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;

namespace Robotics.Runtime.Controllers.EnsembleMpc;

/// <summary>
/// MPC over an ensemble dynamics model: a CEM, MPPI or iCEM planner scoring candidates through the model
/// (fused rollout graph when it fits). Owns the model sessions; the gate's predictor is separate.
/// </summary>
public sealed class EnsembleMpcController : IController
{
    private readonly OnnxWorldModel _model;
    private readonly OnnxRolloutModel? _rollout;

    internal EnsembleMpcController(OnnxWorldModel model, IPlanner planner, OnnxRolloutModel? rollout)
    {
        _model = model; Planner = planner; _rollout = rollout;
    }

    public ModelCard Card => _model.Card;
    /// <summary>"cpu" or "cuda".</summary>
    public string Provider => _model.Provider;
    public IPlanner Planner { get; }
    /// <summary>True when the planner scores with the fused rollout graph.</summary>
    public bool Fused => _rollout is not null;

    public int ActDim => Planner.ActDim;
    public ReadOnlySpan<float> Candidates => Planner.Candidates;
    public void Reset() => Planner.Reset();

    /// <summary>Hot path, allocation-free.</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action) => Planner.Act(obs, action);

    /// <summary>Hot path, allocation-free. The planner's action-rate reference and warm start follow the sent action.</summary>
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) => Planner.Observe(sent, decision);

    public void Dispose()
    {
        _rollout?.Dispose();
        _model.Dispose();
    }
}
