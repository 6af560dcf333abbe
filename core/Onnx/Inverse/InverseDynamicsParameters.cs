namespace Robotics.Core.Onnx.Inverse;

/// <summary>
/// A trained inverse-dynamics ensemble a = f(s, s') as plain arrays (no TorchSharp): E members, each an MLP over
/// the normalised features [s, s' - s] (2 x obs_dim) with SiLU hidden layers and a linear output whose first
/// act_dim columns are the normalised action mean (further columns, the log-variances, are not exported).
/// Weights [E, in, out] row-major, biases [E, out]; features normalised as (x - InputMean) / InputStd, actions
/// denormalised as y * OutputStd + OutputMean.
/// </summary>
public sealed record InverseDynamicsParameters(
    int ObsDim, int ActDim, int Members, int[] LayerSizes, float[][] Weights, float[][] Biases,
    float[] InputMean, float[] InputStd, float[] OutputMean, float[] OutputStd)
{
    public int InputWidth => 2 * ObsDim;
    public int LayerCount => LayerSizes.Length - 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistency.</summary>
    public InverseDynamicsParameters Validate()
    {
        Require(ObsDim >= 1 && ActDim >= 1, $"observation and action dimensions must be >= 1, got {ObsDim} and {ActDim}");
        Require(Members >= 1, $"members must be >= 1, got {Members}");
        Require(LayerSizes.Length >= 2, "at least one layer is needed");
        Require(LayerSizes[0] == InputWidth, $"first layer takes {LayerSizes[0]} inputs but [s, s' - s] is {InputWidth}");
        Require(LayerSizes[^1] >= ActDim, $"output layer has {LayerSizes[^1]} columns, fewer than the {ActDim} action means");
        Require(Weights.Length == LayerCount && Biases.Length == LayerCount, $"expected {LayerCount} weight and bias arrays");
        for (int l = 0; l < LayerCount; l++)
        {
            Require(Weights[l].Length == Members * LayerSizes[l] * LayerSizes[l + 1],
                    $"layer {l} weights have {Weights[l].Length} values, expected [{Members}, {LayerSizes[l]}, {LayerSizes[l + 1]}]");
            Require(Biases[l].Length == Members * LayerSizes[l + 1], $"layer {l} biases have {Biases[l].Length} values, expected [{Members}, {LayerSizes[l + 1]}]");
        }
        Require(InputMean.Length == InputWidth && InputStd.Length == InputWidth, $"input normalisation needs {InputWidth} values");
        Require(OutputMean.Length == ActDim && OutputStd.Length == ActDim, $"output normalisation needs {ActDim} values");
        foreach (float s in InputStd) Require(s > 0 && float.IsFinite(s), $"input std must be finite and > 0, got {s}");
        foreach (float s in OutputStd) Require(s > 0 && float.IsFinite(s), $"output std must be finite and > 0, got {s}");
        return this;
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException("inverse dynamics parameters: " + message);
    }
}
