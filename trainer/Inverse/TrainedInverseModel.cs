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
    private readonly EliteMeanHeads _heads;

    internal TrainedInverseModel(ProbabilisticEnsemble network, int obsDim, int actDim, Standardizer input, Standardizer output,
                                 int[] elites, double[] memberValidationMse, InverseOptions options)
    {
        _heads = new EliteMeanHeads(network, elites);
        ObsDim = obsDim; ActDim = actDim; InputNormalizer = input; OutputNormalizer = output;
        MemberValidationMse = memberValidationMse; Options = options;
    }

    public int ObsDim { get; }
    public int ActDim { get; }
    public int Members => _heads.Network.Members;
    public int HiddenUnits => _heads.Network.HiddenUnits;
    public int HiddenLayers => _heads.Network.HiddenLayers;
    public Standardizer InputNormalizer { get; }
    public Standardizer OutputNormalizer { get; }
    public IReadOnlyList<int> Elites => _heads.Elites;
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
        Tensor mu = _heads.Forward(x);                                                                 // [K, n, act]
        Tensor y = mu * tensor(OutputNormalizer.Std) + tensor(OutputNormalizer.Mean);
        return y.mean([0]).contiguous().data<float>().ToArray();
    }

    /// <summary>The elites' mean-head weights and the normalisation as plain arrays, for core's graph builder.</summary>
    public InverseDynamicsParameters ExtractParameters()
    {
        var (weights, biases, shapes) = _heads.Extract();
        int[] sizes = [shapes[0].In, .. shapes.Select(s => s.Out)];
        return new InverseDynamicsParameters(ObsDim, ActDim, Elites.Count, sizes, weights, biases,
            InputNormalizer.Mean, InputNormalizer.Std, OutputNormalizer.Mean, OutputNormalizer.Std).Validate();
    }

    public void Dispose() => _heads.Dispose();
}
