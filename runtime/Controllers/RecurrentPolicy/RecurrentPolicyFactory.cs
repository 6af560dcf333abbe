using Robotics.Core.Models;
using Robotics.Runtime.Models;

namespace Robotics.Runtime.Controllers.RecurrentPolicy;

/// <summary>
/// Kind <c>recurrent-policy</c> (DreamerV3): the card's <c>recurrent</c> step graph through
/// <see cref="OnnxRecurrentPolicy"/>, driven by <see cref="RecurrentPolicyController"/>. The world model predicts no
/// next observation for the gate, so it offers no safety predictor: <c>--safety-model</c> adds an ensemble's.
/// </summary>
public sealed class RecurrentPolicyFactory : IControllerFactory
{
    public string Kind => ModelKinds.RecurrentPolicy;

    public string Describe(ModelCard card) =>
        $"recurrent policy ({card.Algo}, deter {card.Metrics.GetValueOrDefault("deter")}, {card.Metrics.GetValueOrDefault("stoch")} x {card.Metrics.GetValueOrDefault("classes")} latents, " +
        $"{card.ObsDim} -> {card.ActDim}); no safety predictor of its own";

    public IController Create(ControllerContext c)
    {
        ControllerOptions o = c.Options.Validate();
        var policy = OnnxRecurrentPolicy.Load(c.Model, new WorldModelOptions { MaxBatch = 1, IntraOpThreads = 1, Provider = o.Provider }, c.Logger);
        try { return new RecurrentPolicyController(policy, c.Robot.ActionSpace, c.Robot.SafeAction, new Random(o.Seed)); }
        catch
        {
            policy.Dispose();
            throw;
        }
    }
}
