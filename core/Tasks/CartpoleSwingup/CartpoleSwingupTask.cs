using Robotics.Core.Models;

namespace Robotics.Core.Tasks;

/// <summary>Cartpole swing-up: terminates when the cart leaves the track, 200 steps, zero force is safe.</summary>
public sealed class CartpoleSwingupTask(CartpoleSwingupCostParameters parameters) : ITaskDefinition
{
    public const string TaskId = "cartpole-swingup";
    private readonly CartpoleSwingupCost _cost = new(parameters);

    public CartpoleSwingupTask() : this(new CartpoleSwingupCostParameters()) { }

    public string Id => TaskId;
    public IAnalyticCost Cost => _cost;
    public CartpoleSwingupCostParameters CostParameters => _cost.Parameters;
    public float[] SafeAction => [0f];
    public int MaxEpisodeSteps => 200;
    public IReadOnlyDictionary<string, double> Parameters => _cost.Parameters.ToDictionary();
    public bool IsTerminal(ReadOnlySpan<float> obs) => Math.Abs(obs[0]) > _cost.Parameters.TrackLimit;
}
