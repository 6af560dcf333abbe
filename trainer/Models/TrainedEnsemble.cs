using Robotics.Core.Models;
using Robotics.Trainer.Algorithms;
using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.Models;

/// <summary>
/// A trained ensemble: the torch network, the normalisation fitted on its training split, the chosen
/// elites and what training measured. <see cref="Predict"/> is the reference forward pass that the ONNX
/// export must reproduce. Owns torch memory: dispose it.
/// </summary>
public sealed class TrainedEnsemble : IDisposable
{
    private readonly EliteMeanHeads _heads;

    internal TrainedEnsemble(ProbabilisticEnsemble network, int obsDim, int actDim, Standardizer input, Standardizer output,
                             int[] elites, double[] memberValidationMse, EnsembleOptions options)
    {
        _heads = new EliteMeanHeads(network, elites);
        ObsDim = obsDim; ActDim = actDim; InputNormalizer = input; OutputNormalizer = output;
        MemberValidationMse = memberValidationMse; Options = options;
    }

    public int ObsDim { get; }
    public int ActDim { get; }
    public int Members => Network.Members;
    public int HiddenUnits => Network.HiddenUnits;
    public int HiddenLayers => Network.HiddenLayers;
    public Standardizer InputNormalizer { get; }
    public Standardizer OutputNormalizer { get; }
    /// <summary>Indices of the elite members, best validation error first.</summary>
    public IReadOnlyList<int> Elites => _heads.Elites;
    /// <summary>Each member's best validation MSE (normalised target units).</summary>
    public IReadOnlyList<double> MemberValidationMse { get; }
    public EnsembleOptions Options { get; }
    /// <summary>Mean validation MSE of the elites, normalised target units.</summary>
    public double ValidationMse => Elites.Average(e => MemberValidationMse[e]);
    public IReadOnlyList<EpochReport> History { get; init; } = [];
    public int TrainingTransitions { get; init; }
    public int ValidationTransitions { get; init; }
    /// <summary>99th percentile of disagreement over the validation split.</summary>
    public double DisagreementP99 { get; private set; }
    /// <summary>Maximum disagreement over the validation split.</summary>
    public double DisagreementMax { get; private set; }

    internal ProbabilisticEnsemble Network => _heads.Network;

    /// <summary>One-step predictions for <paramref name="n"/> rows of raw observations [n, obs] and actions [n, act].</summary>
    public EnsemblePrediction Predict(ReadOnlySpan<float> obs, ReadOnlySpan<float> actions, int n)
    {
        if (obs.Length != n * ObsDim || actions.Length != n * ActDim)
            throw new ArgumentException($"expected {n} x {ObsDim} observations and {n} x {ActDim} actions, got {obs.Length} and {actions.Length} values");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor o = tensor(obs.ToArray(), [n, ObsDim]);
        Tensor x = cat([o, tensor(actions.ToArray(), [n, ActDim])], 1);
        x = (x - tensor(InputNormalizer.Mean)) / tensor(InputNormalizer.Std);
        Tensor mu = _heads.Forward(x);                                                                // [K, n, obs+1]
        Tensor y = mu * tensor(OutputNormalizer.Std) + tensor(OutputNormalizer.Mean);
        Tensor members = y.narrow(2, 0, ObsDim) + o;                                                 // [K, n, obs]
        Tensor reward = y.narrow(2, ObsDim, 1).squeeze(2).mean([0]);                                  // [n]
        Tensor muObs = mu.narrow(2, 0, ObsDim);
        Tensor spread = (muObs - muObs.mean([0], keepdim: true)).square().sum(2);                     // [K, n]
        Tensor disagreement = (Options.Disagreement == DisagreementMeasure.TotalStd
            ? spread.mean([0])                                                                          // total-std
            : spread.max(0).values).sqrt();                                                            // max-member-l2; [n]
        return new EnsemblePrediction(
            members.mean([0]).data<float>().ToArray(),
            reward.data<float>().ToArray(),
            members.contiguous().data<float>().ToArray(),
            disagreement.data<float>().ToArray());
    }

    /// <summary>
    /// The card's uncertainty section from the validation split: the split-conformal threshold at
    /// <see cref="ConformalThreshold.DefaultFalseVetoRate"/> when the split is large enough, else p99 only.
    /// </summary>
    public UncertaintyCalibration? Calibration { get; private set; }

    /// <summary>Sets the disagreement statistics from predictions on held-out rows (the validation split).</summary>
    internal void CalibrateDisagreement(float[] obs, float[] actions, int n, HeldOutSplit split)
    {
        float[] d = Predict(obs, actions, n).Disagreement;
        float[] sorted = (float[])d.Clone();
        Array.Sort(sorted);
        DisagreementP99 = Percentile(sorted, 0.99);
        DisagreementMax = sorted[^1];
        double rate = ConformalThreshold.DefaultFalseVetoRate;
        Calibration = (n >= ConformalThreshold.MinScores(rate) && d.All(float.IsFinite)
            ? ConformalThreshold.Calibrate(d, rate, $"validation split of the training data ({n} transitions)")
            : new UncertaintyCalibration { P99 = DisagreementP99, Max = DisagreementMax }) with { TrainingSplit = split };
    }

    /// <summary>Linear-interpolated quantile of sorted values (numpy's default).</summary>
    internal static double Percentile(float[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Copies the elites' mean-head weights and the normalisation into plain arrays (for export).</summary>
    public EnsembleWeights ExtractWeights()
    {
        var (weights, biases, shapes) = _heads.Extract();
        return new EnsembleWeights(ObsDim, ActDim, Elites.Count, weights, biases, shapes, InputNormalizer, OutputNormalizer);
    }

    public void Dispose() => _heads.Dispose();
}
