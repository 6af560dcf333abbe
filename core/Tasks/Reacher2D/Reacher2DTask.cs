using Robotics.Core.Models;

namespace Robotics.Core.Tasks;

/// <summary>Reacher2D: reach a random target with a two-link arm; never terminates, 50 steps, zero torques are safe.</summary>
public sealed class Reacher2DTask(Reacher2DCostParameters parameters) : ITaskDefinition
{
    public const string TaskId = "reacher2d";
    private readonly Reacher2DCost _cost = new(parameters);

    public Reacher2DTask() : this(new Reacher2DCostParameters()) { }

    public string Id => TaskId;
    public IAnalyticCost Cost => _cost;
    public Reacher2DCostParameters CostParameters => _cost.Parameters;
    public float[] SafeAction => [0f, 0f];
    public int MaxEpisodeSteps => 50;
    public IReadOnlyDictionary<string, double> Parameters => _cost.Parameters.ToDictionary();
    public bool IsTerminal(ReadOnlySpan<float> obs) => false;
    public Onnx.Ensemble.IGraphTermination GraphTermination => Onnx.Ensemble.NeverTerminates.Instance;
}
