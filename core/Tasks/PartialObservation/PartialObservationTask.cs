using Robotics.Core.Models;
using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Core.Tasks;

/// <summary>
/// A fully observed task seen through fewer sensors (issue 16: position-only encoders). Safe action, time
/// limit and cost parameters are the full task's; the cost and termination are the full task's on the
/// observation with the hidden dimensions at zero. Where the full cost reads a hidden dimension (pendulum's
/// 0.1 thdot^2) a planner sees only the observable part; the robot's reward still comes from its true state.
/// </summary>
public sealed class PartialObservationTask : ITaskDefinition
{
    /// <summary>Pendulum with [cos th, sin th] only: no angular velocity.</summary>
    public const string PendulumPositionId = "pendulum-pos";
    /// <summary>Cartpole swing-up with [x, cos th, sin th] only: no velocities.</summary>
    public const string CartpoleSwingupPositionId = "cartpole-swingup-pos";

    public PartialObservationTask(string id, ITaskDefinition full, ObservedDimensions observed)
    {
        Id = id;
        Full = full;
        Observed = observed;
        Cost = new Subset(full.Cost, observed);
        PredictionError = new SubsetError(full.PredictionError, observed);
    }

    public static PartialObservationTask PendulumPosition(IReadOnlyDictionary<string, double> p) =>
        new(PendulumPositionId, new PendulumTask(p), new ObservedDimensions(3, 0, 1));

    public static PartialObservationTask CartpoleSwingupPosition(IReadOnlyDictionary<string, double> p) =>
        new(CartpoleSwingupPositionId, new CartpoleSwingupTask(CartpoleSwingupCostParameters.From(p)), new ObservedDimensions(5, 0, 1, 2));

    public string Id { get; }
    public ITaskDefinition Full { get; }
    public ObservedDimensions Observed { get; }
    public IAnalyticCost Cost { get; }
    public float[] SafeAction => Full.SafeAction;
    public int MaxEpisodeSteps => Full.MaxEpisodeSteps;
    public IReadOnlyDictionary<string, double> Parameters => Full.Parameters;
    public ObservationError PredictionError { get; }

    /// <summary>Hot path, allocation-free (the full observation lives on the stack).</summary>
    public bool IsTerminal(ReadOnlySpan<float> obs)
    {
        Span<float> full = stackalloc float[Observed.FullDimension];
        Observed.Expand(obs, full);
        return Full.IsTerminal(full);
    }

    private sealed class Subset(IAnalyticCost full, ObservedDimensions observed) : IAnalyticCost
    {
        public IGraphCost? GraphForm { get; } = full.GraphForm is { } g ? new SubsetGraph(g, observed) : null;

        /// <summary>Hot path, allocation-free; safe from several threads (no shared scratch).</summary>
        public float Cost(ReadOnlySpan<float> obs, ReadOnlySpan<float> action)
        {
            Span<float> f = stackalloc float[observed.FullDimension];
            observed.Expand(obs, f);
            return full.Cost(f, action);
        }
    }

    /// <summary>The full task's graph cost on obs [P, k] x E [k, n]: the same zero-filled observation as ONNX.</summary>
    private sealed class SubsetGraph(IGraphCost full, ObservedDimensions observed) : IGraphCost
    {
        private readonly float[] _expansion = observed.ExpansionMatrix();

        public string Id => full.Id + "-subset";

        public OnnxValue Build(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action) =>
            full.Build(g, g.MatMul(obs, g.Const(_expansion, observed.Dimension, observed.FullDimension)), action);
    }

    private sealed class SubsetError(ObservationError full, ObservedDimensions observed) : ObservationError
    {
        public override string Name => full.Name;

        public override double Between(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
        {
            Span<float> p = stackalloc float[observed.FullDimension], a = stackalloc float[observed.FullDimension];
            observed.Expand(predicted, p);
            observed.Expand(actual, a);
            return full.Between(p, a);
        }
    }
}
