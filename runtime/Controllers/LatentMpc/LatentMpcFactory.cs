using Robotics.Core.Models;

namespace Robotics.Runtime.Controllers.LatentMpc;

/// <summary>
/// Kind <c>latent-mpc</c> (TD-MPC2): latent MPPI over the card's encoder and fused plan graphs at the
/// options' budget (<see cref="ControllerOptions.Latent"/>, default <see cref="LatentMppiOptions.RealTime"/>;
/// the horizon is always the card's, the one the value graph was built for). The latent model does
/// not predict observations, so it offers no safety predictor: pair it with a PETS ensemble through
/// <c>--safety-model</c> for the gate's state limits and uncertainty veto.
/// </summary>
public sealed class LatentMpcFactory : IControllerFactory
{
    public string Kind => ModelKinds.LatentMpc;

    public string Describe(ModelCard card) =>
        $"latent MPPI ({card.Algo}, horizon {card.Metrics.GetValueOrDefault("horizon")}, {card.Metrics.GetValueOrDefault("q_heads")} Q heads); no safety predictor of its own";

    public IController Create(ControllerContext c)
    {
        ControllerOptions o = c.Options.Validate();
        int horizon = (int)c.Model.Card.Metrics.GetValueOrDefault("horizon", o.Latent.Horizon);
        LatentMppiOptions options = (o.Latent with { Horizon = horizon }).Validate();
        var model = LatentOnnxModel.Load(c.Model, options, o.Threads, o.Provider, c.Logger);
        try { return new LatentMpcController(model, options, c.Robot.ActionSpace, o.Seed); }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
