using Robotics.Core.Models;

namespace Robotics.Core.Tasks;

/// <summary>Pendulum swing-up (Gymnasium Pendulum-v1): never terminates, 200 steps, zero torque is safe. No cost parameters.</summary>
public sealed class PendulumTask : ITaskDefinition
{
    public const string TaskId = "pendulum";
    private static readonly Dictionary<string, double> None = new();

    public PendulumTask() : this(None) { }

    internal PendulumTask(IReadOnlyDictionary<string, double> parameters) => TaskParameters.OnlyKnown(TaskId, parameters);

    public string Id => TaskId;
    public IAnalyticCost Cost { get; } = new PendulumCost();
    public float[] SafeAction => [0f];
    public int MaxEpisodeSteps => 200;
    public IReadOnlyDictionary<string, double> Parameters => None;
    public bool IsTerminal(ReadOnlySpan<float> obs) => false;
    public Onnx.Ensemble.IGraphTermination GraphTermination => Onnx.Ensemble.NeverTerminates.Instance;
    public ObservationError PredictionError { get; } = new AngleError();

    /// <summary>The wrapped angle between [cos, sin, thdot] observations: the cos/sin distance understates it near ±π.</summary>
    private sealed class AngleError : ObservationError
    {
        public override string Name => "pendulum angle error (rad)";

        public override double Between(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
        {
            double d = Math.Atan2(predicted[1], predicted[0]) - Math.Atan2(actual[1], actual[0]);
            return Math.Abs(Math.IEEERemainder(d, 2 * Math.PI));
        }
    }
}
