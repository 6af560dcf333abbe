using Robotics.Core.Onnx.Inverse;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.Inverse;

/// <summary>
/// A trained inverse-dynamics ensemble: the torch network over features [s, s' - s], its normalisation, the elites
/// and what training and the held-out test measured. <see cref="Predict"/> is the reference forward pass the ONNX
/// export must reproduce. Owns torch memory: dispose it.
/// </summary>
public sealed class TrainedInverseModel : IDisposable
{
    private readonly ProbabilisticEnsemble _network;
    private readonly Tensor _eliteIndex;

    internal TrainedInverseModel(ProbabilisticEnsemble network, int obsDim, int actDim, Standardizer input, Standardizer output,
                                 int[] elites, double[] memberValidationMse, InverseOptions options)
    {
        _network = network;
        ObsDim = obsDim; ActDim = actDim; InputNormalizer = input; OutputNormalizer = output;
        Elites = elites; MemberValidationMse = memberValidationMse; Options = options;
        _eliteIndex = tensor(Array.ConvertAll(elites, e => (long)e));
    }

    public int ObsDim { get; }
    public int ActDim { get; }
    public int Members => _network.Members;
    public int HiddenUnits => _network.HiddenUnits;
    public int HiddenLayers => _network.HiddenLayers;
    public Standardizer InputNormalizer { get; }
    public Standardizer OutputNormalizer { get; }
    public IReadOnlyList<int> Elites { get; }
    public IReadOnlyList<double> MemberValidationMse { get; }
    public InverseOptions Options { get; }
    public IReadOnlyList<EpochReport> History { get; init; } = [];
    public int TrainingTransitions { get; init; }
    public int ValidationTransitions { get; init; }
    public int TrainingEpisodes { get; init; }
    public int ValidationEpisodes { get; init; }
    /// <summary>Per action dimension on the held-out test episodes.</summary>
    public InverseMetrics? Test { get; internal set; }

    /// <summary>Mean over elites of the action for <paramref name="n"/> rows of s [n, obs] and s' [n, obs]: [n, act], not clipped.</summary>
    public float[] Predict(ReadOnlySpan<float> obs, ReadOnlySpan<float> nextObs, int n)
    {
        if (obs.Length != n * ObsDim || nextObs.Length != n * ObsDim)
            throw new ArgumentException($"expected {n} x {ObsDim} observations and next observations, got {obs.Length} and {nextObs.Length} values");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor s = tensor(obs.ToArray(), [n, ObsDim]);
        Tensor x = cat([s, tensor(nextObs.ToArray(), [n, ObsDim]) - s], 1);
        x = (x - tensor(InputNormalizer.Mean)) / tensor(InputNormalizer.Std);
        Tensor mu = _network.ForwardMean(x.unsqueeze(0).expand(Elites.Count, n, -1).contiguous(), _eliteIndex); // [K, n, act]
        Tensor y = mu * tensor(OutputNormalizer.Std) + tensor(OutputNormalizer.Mean);
        return y.mean([0]).contiguous().data<float>().ToArray();
    }

    /// <summary>The elites' mean-head weights and the normalisation as plain arrays, for core's graph builder.</summary>
    public InverseDynamicsParameters ExtractParameters()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int layers = _network.HiddenLayers + 1, outDim = _network.OutputDim;
        var weights = new float[layers][];
        var biases = new float[layers][];
        var sizes = new int[layers + 1];
        sizes[0] = _network.InputDim;
        for (int l = 0; l < layers; l++)
        {
            Tensor w = _network.Weights[l].index_select(0, _eliteIndex);
            Tensor b = _network.Biases[l].index_select(0, _eliteIndex);
            if (l == layers - 1) { w = w.narrow(2, 0, outDim); b = b.narrow(2, 0, outDim); }
            weights[l] = w.contiguous().data<float>().ToArray();
            biases[l] = b.contiguous().data<float>().ToArray();
            sizes[l + 1] = (int)w.shape[2];
        }
        return new InverseDynamicsParameters(ObsDim, ActDim, Elites.Count, sizes, weights, biases,
            InputNormalizer.Mean, InputNormalizer.Std, OutputNormalizer.Mean, OutputNormalizer.Std).Validate();
    }

    public void Dispose()
    {
        _eliteIndex.Dispose();
        _network.Dispose();
    }
}
