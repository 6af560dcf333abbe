using Robotics.Core.Models;

namespace Robotics.Safety.Tests.Fakes;

/// <summary>Writes the predicted next observation for one row and returns its disagreement D.</summary>
public delegate float FakeDynamics(ReadOnlySpan<float> obs, ReadOnlySpan<float> action, Span<float> nextObs);

/// <summary>A safety predictor (an ensemble, say) whose prediction and uncertainty are whatever the test says.</summary>
public sealed class FakeEnsembleModel(int obsDim, int actDim, double disagreementP99, FakeDynamics dynamics) : ISafetyPredictor
{
    public int ObsDim => obsDim;
    public int ActDim => actDim;
    public int MaxBatch => 1024;
    public ModelCard Card { get; init; } = CardFor(obsDim, actDim, disagreementP99);
    public UncertaintyCalibration? Calibration => Card.Uncertainty;
    public string Description => "fake predictor";
    public int Calls { get; private set; }
    public int LastN { get; private set; }
    public int MaxN { get; private set; }

    /// <summary>Next state = state, D = |first action value| (so larger actions are less trusted).</summary>
    public static FakeEnsembleModel ActionMagnitude(int obsDim, int actDim, double p99) =>
        new(obsDim, actDim, p99, static (o, a, next) => { o.CopyTo(next); return MathF.Abs(a[0]); });

    public void Predict(int n, ReadOnlySpan<float> obs, ReadOnlySpan<float> actions, Span<float> nextObsMean, Span<float> disagreement)
    {
        if (obs.Length < n * obsDim || actions.Length < n * actDim || nextObsMean.Length < n * obsDim || disagreement.Length < n)
            throw new ArgumentException("fake model: buffers smaller than n rows");
        Calls++; LastN = n; MaxN = Math.Max(MaxN, n);
        for (int r = 0; r < n; r++)
        {
            disagreement[r] = dynamics(obs.Slice(r * obsDim, obsDim), actions.Slice(r * actDim, actDim), nextObsMean.Slice(r * obsDim, obsDim));
        }
    }

    public static ModelCard CardFor(int obsDim, int actDim, double p99) => new()
    {
        EnvId = "fake",
        ObservationSpace = new CardSpace(Enumerable.Range(0, obsDim).Select(i => $"o{i}").ToArray(), new float[obsDim], new float[obsDim]),
        ActionSpace = new CardSpace(Enumerable.Range(0, actDim).Select(i => $"a{i}").ToArray(), new float[actDim], new float[actDim]),
        ControlPeriodSeconds = 0.05,
        Kind = ModelKinds.EnsembleDynamics,
        Algo = "fake",
        Graphs = new() { [GraphRoles.Step] = ModelCard.ThisFile },
        Ensemble = new EnsembleSection(7, 5),
        Uncertainty = new UncertaintyCalibration { P99 = p99, Max = p99 * 2 },
        TrainingDataDigest = "fake",
        TrainerVersion = "fake",
    };
}
