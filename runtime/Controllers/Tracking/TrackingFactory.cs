using Robotics.Core.Models;
using Robotics.Runtime.Models;

namespace Robotics.Runtime.Controllers.Tracking;

/// <summary>
/// Kind <c>inverse-dynamics</c>: the tracking controller (<see cref="TrackingController"/>) over the card's inverse graph,
/// following the episode <c>--reference EPISODE.parquet</c> (<see cref="ControllerOptions.Reference"/>). The inverse model
/// predicts no next state, so the gate's model checks need <c>--safety-model</c> (an ensemble of the same robot).
/// </summary>
public sealed class TrackingFactory : IControllerFactory
{
    public string Kind => ModelKinds.InverseDynamics;

    public string Describe(ModelCard card) =>
        $"tracking controller (inverse dynamics, {card.Ensemble?.Size ?? 1} members, {card.ObsDim} + {card.ObsDim} -> {card.ActDim}); acts clip(f(s, s*_t+1)) along --reference";

    public IController Create(ControllerContext c)
    {
        ControllerOptions o = c.Options.Validate();
        if (string.IsNullOrWhiteSpace(o.Reference))
            throw new ArgumentException($"model '{Path.GetFileName(c.Model.Path)}' is an inverse-dynamics model: the tracking controller needs --reference EPISODE.parquet (a recorded episode to follow)");
        ReferenceTrajectory reference = ReferenceTrajectory.Load(o.Reference, c.Robot);
        var model = OnnxInverseModel.Load(c.Model, c.Robot, 1, new WorldModelOptions { MaxBatch = 1, IntraOpThreads = 1, Provider = o.Provider }, c.Logger);
        try
        {
            var controller = new TrackingController(model, reference, c.Robot.ActionSpace);
            model.Run(1);   // warm-up: ONNX Runtime's first call allocates, the loop's do not
            return controller;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
