namespace Robotics.Core.Onnx.Policy;

/// <summary>
/// A tanh-Gaussian policy (SAC's actor) as plain arrays: everything <see cref="PolicyGraph"/> needs, no
/// TorchSharp. Observations are normalised as (obs - ObsMean) / ObsStd, then dense layers <c>LayerSizes[l]</c>
/// -> <c>LayerSizes[l + 1]</c> (weights [in, out] row-major, biases [out]) with ReLU between them; the last
/// layer's 2 x act_dim columns are the Gaussian's mean, then its raw log-std, squashed into
/// [LogStdMin, LogStdMax] as min + (max - min)(tanh(raw) + 1) / 2. The deterministic action is tanh(mean)
/// mapped onto the action box [ActionLow, ActionHigh].
/// </summary>
public sealed record PolicyParameters
{
    public required int ObsDim { get; init; }
    public required int ActDim { get; init; }
    /// <summary>[obs_dim, hidden..., 2 x act_dim].</summary>
    public required int[] LayerSizes { get; init; }
    public required float[][] Weights { get; init; }
    public required float[][] Biases { get; init; }
    public required float[] ObsMean { get; init; }
    public required float[] ObsStd { get; init; }
    public required float[] ActionLow { get; init; }
    public required float[] ActionHigh { get; init; }
    public float LogStdMin { get; init; } = -5f;
    public float LogStdMax { get; init; } = 2f;

    public int LayerCount => LayerSizes.Length - 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first array whose size disagrees with the layout.</summary>
    public PolicyParameters Validate()
    {
        Require(ObsDim >= 1 && ActDim >= 1, $"policy: obs and action dims must be >= 1, got {ObsDim} and {ActDim}");
        Require(LayerSizes.Length >= 2 && LayerSizes[0] == ObsDim && LayerSizes[^1] == 2 * ActDim,
                $"policy: layer sizes must run from obs_dim {ObsDim} to 2 x act_dim {2 * ActDim}, got [{string.Join(", ", LayerSizes)}]");
        Require(Weights.Length == LayerCount && Biases.Length == LayerCount, $"policy: {LayerCount} layers need as many weights and biases, got {Weights.Length} and {Biases.Length}");
        for (int l = 0; l < LayerCount; l++)
        {
            Require(Weights[l].Length == LayerSizes[l] * LayerSizes[l + 1], $"policy: layer {l} weights need {LayerSizes[l]} x {LayerSizes[l + 1]} values, got {Weights[l].Length}");
            Require(Biases[l].Length == LayerSizes[l + 1], $"policy: layer {l} biases need {LayerSizes[l + 1]} values, got {Biases[l].Length}");
        }
        Require(ObsMean.Length == ObsDim && ObsStd.Length == ObsDim, $"policy: observation normalisation needs {ObsDim} means and stds");
        Require(Array.TrueForAll(ObsStd, s => s > 0 && float.IsFinite(s)), "policy: observation stds must be finite and > 0");
        Require(ActionLow.Length == ActDim && ActionHigh.Length == ActDim, $"policy: the action box needs {ActDim} lows and highs");
        for (int j = 0; j < ActDim; j++)
            Require(float.IsFinite(ActionLow[j]) && float.IsFinite(ActionHigh[j]) && ActionLow[j] < ActionHigh[j],
                    $"policy: action dimension {j} needs a finite box with low < high, got [{ActionLow[j]}, {ActionHigh[j]}]");
        Require(LogStdMin < LogStdMax, $"policy: log-std bounds must satisfy min < max, got [{LogStdMin}, {LogStdMax}]");
        return this;
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
