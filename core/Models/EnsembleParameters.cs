namespace Robotics.Core.Models;

/// <summary>
/// A trained (or random) probabilistic ensemble as plain arrays: everything needed to build its ONNX graphs
/// without TorchSharp. Layer l of member e maps <c>LayerSizes[l]</c> to <c>LayerSizes[l + 1]</c>; weights are
/// stored [E, in, out] row-major and biases [E, out]. Hidden layers use SiLU, the output layer is linear.
/// The output layer's first <see cref="MeanWidth"/> columns are the normalised means of the next-observation
/// delta (obs_dim columns) and, when <see cref="PredictsReward"/>, the reward; any further columns (the
/// log-variances) are not used for planning. Inputs are normalised as (x - InputMean) / InputStd over
/// [obs, action]; outputs denormalised as y * OutputStd + OutputMean over the mean columns.
/// </summary>
public sealed class EnsembleParameters
{
    public EnsembleParameters(int obsDim, int actDim, int members, int[] layerSizes, float[][] weights, float[][] biases,
                              float[] inputMean, float[] inputStd, float[] outputMean, float[] outputStd, bool predictsReward)
    {
        ObsDim = obsDim; ActDim = actDim; Members = members; PredictsReward = predictsReward;
        LayerSizes = layerSizes; Weights = weights; Biases = biases;
        InputMean = inputMean; InputStd = inputStd; OutputMean = outputMean; OutputStd = outputStd;
        Validate();
    }

    public int ObsDim { get; }
    public int ActDim { get; }
    /// <summary>Members in the graphs (the elites).</summary>
    public int Members { get; }
    public bool PredictsReward { get; }
    /// <summary>[obs_dim + act_dim, hidden..., output width].</summary>
    public IReadOnlyList<int> LayerSizes { get; }
    public IReadOnlyList<float[]> Weights { get; }
    public IReadOnlyList<float[]> Biases { get; }
    public float[] InputMean { get; }
    public float[] InputStd { get; }
    public float[] OutputMean { get; }
    public float[] OutputStd { get; }

    /// <summary>How the graphs compute their disagreement output; new exports use <see cref="DisagreementMeasures.Default"/>.</summary>
    public DisagreementMeasure Measure { get; init; } = DisagreementMeasures.Default;

    public int InputWidth => ObsDim + ActDim;
    public int MeanWidth => ObsDim + (PredictsReward ? 1 : 0);
    public int LayerCount => LayerSizes.Count - 1;

    /// <summary>
    /// FLOPs of one forward pass of one sample through all members: sum over dense layers of
    /// 2 x in x out (one multiply and one add per weight) x members. Biases and activations are not counted.
    /// </summary>
    public long FlopsPerSample
    {
        get
        {
            long f = 0;
            for (int l = 0; l < LayerCount; l++) f += 2L * LayerSizes[l] * LayerSizes[l + 1];
            return f * Members;
        }
    }

    /// <summary>
    /// An ensemble of the given shape with Kaiming-uniform-like random weights (bound 1/sqrt(fan_in)), zero
    /// biases and identity normalisation: what benchmarks and tests need, no training.
    /// </summary>
    public static EnsembleParameters CreateRandom(int obsDim, int actDim, int members, IReadOnlyList<int> hidden,
                                                  int outputWidth, bool predictsReward, Random rng)
    {
        int[] sizes = [obsDim + actDim, .. hidden, outputWidth];
        var w = new float[sizes.Length - 1][];
        var b = new float[sizes.Length - 1][];
        for (int l = 0; l < w.Length; l++)
        {
            float bound = 1f / MathF.Sqrt(sizes[l]);
            w[l] = new float[members * sizes[l] * sizes[l + 1]];
            for (int i = 0; i < w[l].Length; i++) w[l][i] = (float)(rng.NextDouble() * 2 - 1) * bound;
            b[l] = new float[members * sizes[l + 1]];
            for (int i = 0; i < b[l].Length; i++) b[l][i] = (float)(rng.NextDouble() * 2 - 1) * bound;
        }
        int mean = obsDim + (predictsReward ? 1 : 0);
        return new EnsembleParameters(obsDim, actDim, members, sizes, w, b,
            new float[obsDim + actDim], Fill(obsDim + actDim, 1f), new float[mean], Fill(mean, 1f), predictsReward);
    }

    private static float[] Fill(int n, float v)
    {
        var a = new float[n];
        Array.Fill(a, v);
        return a;
    }

    private void Validate()
    {
        Require(ObsDim >= 1 && ActDim >= 1, $"observation and action dimensions must be >= 1, got {ObsDim} and {ActDim}");
        Require(Members >= 1, $"members must be >= 1, got {Members}");
        Require(LayerSizes.Count >= 2, "at least one layer is needed");
        Require(LayerSizes[0] == InputWidth, $"first layer takes {LayerSizes[0]} inputs but obs + action is {InputWidth}");
        Require(LayerSizes[^1] >= MeanWidth, $"output layer has {LayerSizes[^1]} columns, fewer than the {MeanWidth} means");
        Require(Weights.Count == LayerCount && Biases.Count == LayerCount, $"expected {LayerCount} weight and bias arrays");
        for (int l = 0; l < LayerCount; l++)
        {
            Require(Weights[l].Length == Members * LayerSizes[l] * LayerSizes[l + 1],
                    $"layer {l} weights have {Weights[l].Length} values, expected [{Members}, {LayerSizes[l]}, {LayerSizes[l + 1]}]");
            Require(Biases[l].Length == Members * LayerSizes[l + 1], $"layer {l} biases have {Biases[l].Length} values, expected [{Members}, {LayerSizes[l + 1]}]");
        }
        Require(InputMean.Length == InputWidth && InputStd.Length == InputWidth, $"input normalisation needs {InputWidth} values");
        Require(OutputMean.Length == MeanWidth && OutputStd.Length == MeanWidth, $"output normalisation needs {MeanWidth} values");
        foreach (float s in InputStd) Require(s > 0 && float.IsFinite(s), $"input std must be finite and > 0, got {s}");
        foreach (float s in OutputStd) Require(s > 0 && float.IsFinite(s), $"output std must be finite and > 0, got {s}");
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException("ensemble parameters: " + message);
    }
}
